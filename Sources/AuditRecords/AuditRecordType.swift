/// An audit record type number (`AUDIT_SYSCALL` = 1300, …) with its name from the type table.
public struct AuditRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }
    init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// Parses a type name as written after `type=` (case-insensitive), including `UNKNOWN[1334]`.
    init?(name: some StringProtocol) {
        let bytes = Array(name.utf8)
        guard let number = bytes.withUnsafeBufferPointer(RecordTypeTable.number(forName:)) else { return nil }
        self.rawValue = number
    }

    /// Parses a type name given as bytes (no allocation), looked up in `names`.
    init?(nameBytes: UnsafeBufferPointer<UInt8>, in names: RecordTypeNames) {
        guard let number = names.number(forName: nameBytes) else { return nil }
        self.rawValue = number
    }

    /// Name as auditd prints it (`SYSCALL`, `EXECVE`); `UNKNOWN[n]` for numbers without a name.
    public var name: String { RecordTypeTable.name(for: rawValue) ?? "UNKNOWN[\(rawValue)]" }

    public var description: String { name }

    /// Whether the type table names this number (else `name` is `UNKNOWN[n]`).
    public var isNamed: Bool { RecordTypeTable.name(for: rawValue) != nil }

    /// Records emitted by user-space programs through the audit netlink socket (old-style USER 1005, 1100–1299,
    /// 2100–2999): each one is a complete event by itself and carries no EOE.
    public var isUserSpace: Bool {
        rawValue == 1005 || (1100...1299).contains(rawValue) || (2100...2999).contains(rawValue)
    }

    /// Records worth parsing from the netlink stream: 1100–2999 (user and kernel audit records) and AUDIT_LOGIN
    /// (1006), minus the kernel's AUDIT_REPLACE liveness probe (1329), as Auditbeat filters them.
    public var isAuditRecord: Bool {
        (rawValue == 1006 || (1100...2999).contains(rawValue)) && rawValue != 1329
    }

    // The types the pipeline branches on; the full list lives in RecordTypeTable.
    static let login = AuditRecordType(1006)
    public static let syscall = AuditRecordType(1300)
    public static let path = AuditRecordType(1302)
    static let ipc = AuditRecordType(1303)
    static let socketcall = AuditRecordType(1304)
    static let configChange = AuditRecordType(1305)
    public static let sockaddr = AuditRecordType(1306)
    static let cwd = AuditRecordType(1307)
    public static let execve = AuditRecordType(1309)
    public static let eoe = AuditRecordType(1320)
    static let bprmFcaps = AuditRecordType(1321)
    static let capset = AuditRecordType(1322)
    static let mmap = AuditRecordType(1323)
    static let netfilterPacket = AuditRecordType(1324)
    static let netfilterConfig = AuditRecordType(1325)
    public static let seccomp = AuditRecordType(1326)
    static let proctitle = AuditRecordType(1327)
    static let replace = AuditRecordType(1329)
    static let uringOp = AuditRecordType(1336)
    static let avc = AuditRecordType(1400)
    static let userLogin = AuditRecordType(1112)
}
