/// A decoded SOCKADDR `saddr=` value (a raw `struct sockaddr`, hex-encoded by the kernel).
public enum SocketAddress: Sendable, Equatable {
    /// AF_UNIX. `path` is cut at the first NUL; an abstract socket (leading NUL) has `isAbstract` set and the
    /// name after the NUL in `path`.
    case unix(path: String, isAbstract: Bool)
    /// AF_INET: dotted quad and port.
    case inet(address: String, port: UInt16)
    /// AF_INET6: RFC 5952 text (IPv4-mapped addresses as plain dotted IPv4), port, flow info and scope id.
    case inet6(address: String, port: UInt16, flowInfo: UInt32, scopeID: UInt32)
    /// AF_NETLINK: port id and multicast groups.
    case netlink(portID: UInt32, groups: UInt32)
    /// Any other family, or a truncated address of a known family.
    case other(family: UInt16)

    /// Decodes the hex text of a `saddr=` value read in place; nil when it is not hex or shorter than a family
    /// field.
    public init?(saddr value: BorrowedValue) {
        let raw = value.raw
        guard raw.count % 2 == 0 else { return nil }
        // Decoded into stack space (a `struct sockaddr` is at most 128 bytes): no array per address.
        let decoded = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: raw.count / 2) { bytes in
            Hex.decode(raw, into: bytes) ? SocketAddressDecoder.decode(UnsafeBufferPointer(bytes)) : nil
        }
        guard let decoded else { return nil }
        self = decoded
    }

    /// ``init(saddr:)-(BorrowedValue)`` for a value taken out of its record (tests).
    init?(saddr value: AuditValue) {
        guard let address = value.withBorrowed({ SocketAddress(saddr: $0) }) else { return nil }
        self = address
    }

    /// Decodes raw sockaddr bytes; nil when shorter than the family field. The family is read in host order
    /// of the audited machine: little-endian unless the low byte is zero and the high byte is not (a big-endian
    /// host such as ppc64 or s390x — families fit in one byte, so this cannot misread a little-endian family).
    init?(bytes: [UInt8]) {
        guard let decoded = bytes.withUnsafeBufferPointer({ SocketAddressDecoder.decode($0) }) else { return nil }
        self = decoded
    }

    /// Family as go-libaudit names it: `unix`, `ipv4`, `ipv6`, `netlink`, else the decimal family number.
    public var familyName: String {
        switch self {
        case .unix: return "unix"
        case .inet: return "ipv4"
        case .inet6: return "ipv6"
        case .netlink: return "netlink"
        case .other(let family): return String(family)
        }
    }

    /// True for an AF_UNIX address in the abstract namespace (leading NUL).
    var isAbstract: Bool {
        if case .unix(_, let isAbstract) = self { return isAbstract }
        return false
    }

    /// The IP address text for inet/inet6, else nil.
    var address: String? {
        switch self {
        case .inet(let address, _), .inet6(let address, _, _, _): return address
        default: return nil
        }
    }

    /// The port for inet/inet6, else nil.
    var port: UInt16? {
        switch self {
        case .inet(_, let port), .inet6(_, let port, _, _): return port
        default: return nil
        }
    }

    /// The socket path for AF_UNIX, else nil. For an abstract socket this is the name after the leading NUL;
    /// go-libaudit (and so auditd_manager) reports `""` there, so check `isAbstract` to mimic it.
    var path: String? {
        if case .unix(let path, _) = self { return path }
        return nil
    }
}

