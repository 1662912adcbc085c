import Glibc

/// Searches over a record's bytes at memchr speed: the generic `firstIndex(of:)` costs 5–8 instructions a byte,
/// and every record is scanned this way.
enum ByteSearch {
    /// The first index of `byte` within `range` of `bytes` (inlined: a call around the memchr call cost ~15
    /// instructions, twice per record).
    @inline(__always)
    static func firstIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, let base = bytes.baseAddress else { return nil }
        guard let found = memchr(base + range.lowerBound, Int32(byte), range.count) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// The first index in `from..<end` holding `stop`, else `end`: eight bytes per step, for the tokenizer's scans
    /// of values (a per-byte loop costs about five instructions a byte).
    @inline(__always)
    static func scan(_ base: UnsafePointer<UInt8>, from: Int, to end: Int, until stop: UInt8) -> Int {
        let pattern = UInt64(stop) &* 0x0101_0101_0101_0101
        var index = from
        while index &+ 8 <= end {
            let hits = zeroBytes(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) ^ pattern)
            if hits != 0 { return index &+ hits.trailingZeroBitCount &>> 3 }
            index &+= 8
        }
        while index < end, base[index] != stop { index &+= 1 }
        return index
    }

    /// The first index in `from..<end` holding `stop` or `alsoStop`, else `end` (the tokenizer's scan of a key).
    @inline(__always)
    static func scan(_ base: UnsafePointer<UInt8>, from: Int, to end: Int, until stop: UInt8,
                     orUntil alsoStop: UInt8) -> Int {
        let first = UInt64(stop) &* 0x0101_0101_0101_0101
        let second = UInt64(alsoStop) &* 0x0101_0101_0101_0101
        var index = from
        while index &+ 8 <= end {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let hits = zeroBytes(word ^ first) | zeroBytes(word ^ second)
            if hits != 0 { return index &+ hits.trailingZeroBitCount &>> 3 }
            index &+= 8
        }
        while index < end, base[index] != stop, base[index] != alsoStop { index &+= 1 }
        return index
    }

    /// 0x80 in the bytes of `word` equal to `byte`. Only the lowest marker is sure (a borrow can mark the byte
    /// above a match too), and only the lowest is ever used: it is the first match.
    @inline(__always)
    static func markers(of byte: UInt8, in word: UInt64) -> UInt64 {
        zeroBytes(word ^ (UInt64(byte) &* 0x0101_0101_0101_0101))
    }

    /// 0x80 in the bytes of `x` that are zero, the lowest one exactly (three operations, not five).
    @inline(__always)
    private static func zeroBytes(_ x: UInt64) -> UInt64 {
        (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }
}
