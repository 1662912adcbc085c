/// `struct sockaddr_*` layouts (linux/un.h, linux/in.h, linux/in6.h, linux/netlink.h).
enum SocketAddressDecoder {
    static let familyUnix: UInt16 = 1
    static let familyInet: UInt16 = 2
    static let familyInet6: UInt16 = 10
    static let familyNetlink: UInt16 = 16

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> SocketAddress? {
        guard bytes.count >= 2 else { return nil }
        let bigEndian = bytes[0] == 0 && bytes[1] != 0
        let family = bigEndian ? UInt16(bytes[1]) : UInt16(bytes[0]) | UInt16(bytes[1]) << 8
        switch family {
        case familyUnix:
            return unix(bytes)
        case familyInet where bytes.count >= 8:
            return .inet(address: dottedQuad(bytes[4], bytes[5], bytes[6], bytes[7]), port: bigEndian16(bytes, 2))
        case familyInet6 where bytes.count >= 24:
            let scope = bytes.count >= 28 ? hostOrder32(bytes, 24, bigEndian: bigEndian) : 0
            return .inet6(address: IPv6Text.format(Array(bytes[8..<24])[...]), port: bigEndian16(bytes, 2),
                          flowInfo: bigEndian32(bytes, 4), scopeID: scope)
        case familyNetlink where bytes.count >= 12:
            return .netlink(portID: hostOrder32(bytes, 4, bigEndian: bigEndian),
                            groups: hostOrder32(bytes, 8, bigEndian: bigEndian))
        default:
            return .other(family: family)
        }
    }

    /// sun_path is NUL-terminated; a leading NUL marks the abstract namespace, whose name runs to the end.
    private static func unix(_ bytes: UnsafeBufferPointer<UInt8>) -> SocketAddress {
        let path = bytes.dropFirst(2)
        if path.first == 0, path.count > 1 {
            var name = path.dropFirst()
            while name.last == 0 { name = name.dropLast() }  // the kernel logs the whole sun_path buffer
            return .unix(path: String(decoding: name, as: UTF8.self), isAbstract: true)
        }
        let end = path.firstIndex(of: 0) ?? path.endIndex
        return .unix(path: String(decoding: path[path.startIndex..<end], as: UTF8.self), isAbstract: false)
    }

    /// `a.b.c.d`, written digit by digit (string interpolation of four integers cost over a thousand instructions).
    static func dottedQuad(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> String {
        String(unsafeUninitializedCapacity: 15) { out in
            var count = 0
            for (position, octet) in [a, b, c, d].enumerated() {
                if position > 0 { out[count] = UInt8(ascii: "."); count += 1 }
                if octet >= 100 { out[count] = UInt8(ascii: "0") + octet / 100; count += 1 }
                if octet >= 10 { out[count] = UInt8(ascii: "0") + octet / 10 % 10; count += 1 }
                out[count] = UInt8(ascii: "0") + octet % 10
                count += 1
            }
            return count
        }
    }

    private static func bigEndian16(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt16 { UInt16(b[i]) << 8 | UInt16(b[i + 1]) }

    private static func bigEndian32(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    private static func hostOrder32(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, bigEndian: Bool) -> UInt32 {
        bigEndian ? bigEndian32(b, i) : UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}

/// IPv6 text like Go's `net.IP.String()`: RFC 5952 (lower-case, longest run of two or more zero groups
/// compressed, first run on ties), and IPv4-mapped addresses (`::ffff:a.b.c.d`) as plain dotted IPv4.
enum IPv6Text {
    static func format(_ address: ArraySlice<UInt8>) -> String {
        let a = Array(address)
        precondition(a.count == 16)
        if a[0..<10].allSatisfy({ $0 == 0 }) && a[10] == 0xff && a[11] == 0xff {
            return SocketAddressDecoder.dottedQuad(a[12], a[13], a[14], a[15])
        }
        let groups = (0..<8).map { UInt16(a[2 * $0]) << 8 | UInt16(a[2 * $0 + 1]) }
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else { index += 1; continue }
            var end = index
            while end < 8 && groups[end] == 0 { end += 1 }
            if end - index > bestLength { bestStart = index; bestLength = end - index }
            index = end
        }
        var text = ""
        var group = 0
        while group < 8 {
            if group == bestStart {
                text += "::"
                group += bestLength
                continue
            }
            if !text.isEmpty && !text.hasSuffix(":") { text += ":" }
            text += String(groups[group], radix: 16)
            group += 1
        }
        return text
    }
}
