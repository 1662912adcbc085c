/// Up to eight bytes read as one little-endian integer: keys and short values compared as integers, not strings.
enum ByteWord {
    /// `count` bytes (1 to 8) at `bytes`, the rest zero, in at most three loads (a loop cost four instructions a
    /// byte).
    @inline(__always)
    static func load(_ bytes: UnsafeRawPointer, count: Int) -> UInt64 {
        func load<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> UInt64 {
            UInt64(bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        switch count {
        case 1: return load(UInt8.self, at: 0)
        case 2: return load(UInt16.self, at: 0)
        case 3: return load(UInt16.self, at: 0) | load(UInt8.self, at: 2) << 16
        case 4: return load(UInt32.self, at: 0)
        case 5: return load(UInt32.self, at: 0) | load(UInt8.self, at: 4) << 32
        case 6: return load(UInt32.self, at: 0) | load(UInt16.self, at: 4) << 32
        case 7: return load(UInt32.self, at: 0) | load(UInt16.self, at: 4) << 32 | load(UInt8.self, at: 6) << 48
        default: return load(UInt64.self, at: 0)
        }
    }
}
