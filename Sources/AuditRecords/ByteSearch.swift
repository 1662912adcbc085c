import Glibc

/// Searches over a record's bytes at memchr speed: the generic `firstIndex(of:)` costs 5–8 instructions a byte,
/// and every record is scanned this way.
enum ByteSearch {
    /// The first index of `byte` within `range` of `bytes`.
    static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + range.lowerBound, Int32(byte), range.count) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }
}
