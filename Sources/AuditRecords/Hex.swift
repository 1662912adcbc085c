/// Hex helpers over bytes (the kernel's `audit_log_n_hex` writes upper-case hex, two digits per byte).
enum Hex {
    /// Value of one hex digit (either case), or nil.
    @inline(__always)
    static func digit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte &- UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte &- UInt8(ascii: "A") &+ 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte &- UInt8(ascii: "a") &+ 10
        default: return nil
        }
    }

    /// Whether `bytes` look like a kernel hex-encoded string: non-empty, even length, digits and `A-F` only.
    static func isEncodedString<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard !bytes.isEmpty, bytes.count % 2 == 0 else { return false }
        // Branch-free over every byte, so the loop vectorizes: the values asked about are mostly long proctitles.
        var invalid: UInt8 = 0
        for byte in bytes {
            let notDigit: UInt8 = byte &- UInt8(ascii: "0") < 10 ? 0 : 1
            let notUpperHex: UInt8 = byte &- UInt8(ascii: "A") < 6 ? 0 : 1
            invalid |= notDigit & notUpperHex
        }
        return invalid == 0
    }

    /// Decodes pairs of hex digits (either case); nil on odd length or a non-hex byte.
    static func decode<Bytes: RandomAccessCollection<UInt8>>(_ hex: Bytes) -> [UInt8]? where Bytes.Index == Int {
        guard hex.count % 2 == 0 else { return nil }
        var isValid = true
        // Written in place (appending a byte at a time cost ~50 instructions a byte).
        let out = [UInt8](unsafeUninitializedCapacity: hex.count / 2) { buffer, initialized in
            isValid = decode(hex, into: buffer)
            initialized = isValid ? hex.count / 2 : 0
        }
        return isValid ? out : nil
    }

    /// Decodes `hex` (of even length) into the first `hex.count / 2` bytes of `out`; false at the first byte that
    /// is not a hex digit (`out` is then partly written).
    static func decode<Bytes: RandomAccessCollection<UInt8>>(_ hex: Bytes, into out: UnsafeMutableBufferPointer<UInt8>)
        -> Bool where Bytes.Index == Int {
        var index = hex.startIndex
        var position = 0
        while index < hex.endIndex {
            guard let high = digit(hex[index]), let low = digit(hex[index + 1]) else { return false }
            out[position] = high << 4 | low
            position += 1
            index += 2
        }
        return true
    }

    /// Decodes `hex`, already checked by `isEncodedString` (even length, `0-9A-F` only), into the first
    /// `hex.count / 2` bytes of `out`; branch-free per digit since no byte can be invalid.
    static func decodeValidated(_ hex: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) {
        // `0`-`9` are 0x30-0x39 and `A`-`F` 0x41-0x46: the low nibble, plus 9 when bit 6 is set.
        @inline(__always) func nibble(_ byte: UInt8) -> UInt8 { (byte & 0x0F) &+ (byte >> 6) &* 9 }
        for index in 0..<hex.count / 2 {
            out[index] = nibble(hex[2 * index]) << 4 | nibble(hex[2 * index + 1])
        }
    }

    /// Unprefixed hex number of at most 16 digits; nil otherwise.
    static func parseUInt64<Bytes: Collection<UInt8>>(_ hex: Bytes) -> UInt64? {
        guard !hex.isEmpty, hex.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in hex {
            guard let d = digit(byte) else { return nil }
            value = value << 4 | UInt64(d)
        }
        return value
    }
}

/// Decimal helpers over bytes, with overflow reported as nil.
enum Decimal {
    static func parseUInt64<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if o1 || o2 { return nil }
            value = sum
        }
        return value
    }

    static func parseInt64<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int64? {
        guard let first = bytes.first else { return nil }
        if first == UInt8(ascii: "-") {
            guard let magnitude = parseUInt64(bytes.dropFirst()), magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard let magnitude = parseUInt64(bytes), magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }
}
