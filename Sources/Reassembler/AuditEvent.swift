import AuditRecords

/// All records of one audit event (one serial number), in arrival order.
public struct AuditEvent: Sendable {
    /// The serial shared by the records.
    public let serial: UInt32
    /// Timestamp of the first record.
    public let timestamp: AuditTimestamp
    /// The records in arrival order; the EOE record is not kept.
    public internal(set) var records: [AuditRecord]

    init(serial: UInt32, timestamp: AuditTimestamp, records: [AuditRecord]) {
        self.serial = serial
        self.timestamp = timestamp
        self.records = records
    }

    /// The `node=` of the first record (audit.log lines forwarded by audisp-remote), else nil.
    var node: String? { records.first?.nodeBytes.map { String(decoding: $0, as: UTF8.self) } }

    /// The first record of `type`, if any.
    func first(_ type: AuditRecordType) -> AuditRecord? { records.first { $0.type == type } }

    /// All records of `type`, in arrival order.
    func records(of type: AuditRecordType) -> [AuditRecord] { records.filter { $0.type == type } }

    /// The SYSCALL record, if any.
    var syscall: AuditRecord? { first(.syscall) }

    /// The PATH records in arrival order.
    var paths: [AuditRecord] { records(of: .path) }

    /// The execve argument vector assembled from all EXECVE records, as text, or nil when there is none.
    var execveArguments: ExecveArguments<String>? {
        guard records.contains(where: { $0.type == .execve }) else { return nil }
        return ExecveArguments(records: records, whole: { $1.decodedText(limit: .max).text },
                               joined: { String(decoding: $1, as: UTF8.self) })
    }
}
