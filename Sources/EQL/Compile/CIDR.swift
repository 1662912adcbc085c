// Address parsing for `cidrMatch`. IPv4 addresses are kept as IPv4-mapped IPv6 so one
// 128-bit comparison covers both families.

struct IPAddress: Equatable, Sendable {
    var high: UInt64
    var low: UInt64
    var isIPv4: Bool

    init?(_ text: String) {
        // Bytes, not characters: `contains(":")` broke the text into graphemes (~2k instructions per test). A ":"
        // byte inside a grapheme leaves both parses failing, as the IPv4 one would.
        // The bytes in place when the string has them (a native one's, a small one's on the stack): iterating the
        // UTF-8 view went through its index machinery a byte at a time.
        let colon = UInt8(ascii: ":")
        if text.utf8.withContiguousStorageIfAvailable({ $0.contains(colon) }) ?? text.utf8.contains(colon) {
            guard let (h, l) = IPAddress.parseIPv6(Substring(text)) else { return nil }
            high = h
            low = l
            isIPv4 = false
        } else {
            guard let v4 = text.utf8.withContiguousStorageIfAvailable(IPAddress.parseIPv4) ?? IPAddress.parseIPv4(text.utf8)
            else { return nil }
            high = 0
            low = 0xFFFF_0000_0000 | UInt64(v4)
            isIPv4 = true
        }
    }

    /// Dotted quad, each part 1–3 decimal digits ≤ 255. Over the UTF-8 bytes: `cidrMatch` parses the event's address
    /// on every test.
    static func parseIPv4(_ text: Substring) -> UInt32? {
        text.utf8.withContiguousStorageIfAvailable(parseIPv4) ?? parseIPv4(text.utf8)
    }

    /// ``parseIPv4(_:)-swift.type.method`` over the text's UTF-8 bytes.
    static func parseIPv4(_ bytes: some Sequence<UInt8>) -> UInt32? {
        var value: UInt32 = 0, octet: UInt32 = 0, digits = 0, parts = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | octet
                parts += 1
                octet = 0
                digits = 0
            } else {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10, digits < 3 else { return nil }
                octet = octet * 10 + UInt32(digit)
                guard octet <= 255 else { return nil }
                digits += 1
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return value << 8 | octet
    }

    static func parseIPv6(_ text: Substring) -> (UInt64, UInt64)? {
        var text = text
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }  // zone id
        var groups: [UInt16] = []
        var gapAt: Int?
        let halves = text.componentsSeparatedByDoubleColon
        guard halves.count <= 2 else { return nil }
        for (h, half) in halves.enumerated() {
            if h == 1 { gapAt = groups.count }
            if half.isEmpty { continue }
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (i, part) in parts.enumerated() {
                if i == parts.count - 1, h == halves.count - 1, part.contains(".") {
                    guard let v4 = parseIPv4(part) else { return nil }
                    groups.append(UInt16(v4 >> 16))
                    groups.append(UInt16(v4 & 0xFFFF))
                } else {
                    guard (1...4).contains(part.count), let g = UInt16(part, radix: 16) else { return nil }
                    groups.append(g)
                }
            }
        }
        if let gapAt {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gapAt)
        }
        guard groups.count == 8 else { return nil }
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }
}

/// A network `address/prefix` (prefix defaults to the full length).
struct CIDRBlock: Sendable {
    private let high: UInt64
    private let low: UInt64
    private let maskHigh: UInt64
    private let maskLow: UInt64

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(String(parts[0])) else { return nil }
        let maxPrefix = address.isIPv4 ? 32 : 128
        var prefix = maxPrefix
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...maxPrefix).contains(p) else { return nil }
            prefix = p
        }
        let bits = address.isIPv4 ? prefix + 96 : prefix
        maskHigh = bits >= 64 ? ~0 : (bits == 0 ? 0 : ~0 << (64 - bits))
        maskLow = bits <= 64 ? 0 : (bits == 128 ? ~0 : ~0 << (128 - bits))
        high = address.high & maskHigh
        low = address.low & maskLow
    }

    func contains(_ address: IPAddress) -> Bool {
        address.high & maskHigh == high && address.low & maskLow == low
    }
}

private extension Substring {
    /// Splits on every "::" (more than one makes the address invalid).
    var componentsSeparatedByDoubleColon: [Substring] {
        var result: [Substring] = []
        var rest = self[...]
        while let range = rest.firstRange(of: "::") {
            result.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        result.append(rest)
        return result
    }
}
