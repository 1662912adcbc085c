import Events

/// The ECS fields the audit normalizer (`Events.Normalizer`) can put in a document, auditd_manager shape
/// (shared/spec/ecs-mapping.md §2.3). A rule that tests a field outside this catalog can never see a value
/// from audit data; `auspex check` warns about it.
///
/// Fields under `openPrefixes` are named after keys found in the records themselves (`auditd.data.<key>` for any
/// key of the SYSCALL or user-space record); any name under them is accepted.
public enum ECSCatalog {
    /// Exact field names: the fixed fields the normalizer and the process table write (``ECSField``).
    public static let fields: [String] = ECSField.allCases.map(\.name)

    /// Prefixes whose field names come from the audit records (`auditd.data.a1`, `auditd.data.socket.port`, …).
    public static let openPrefixes: [String] = [
        "auditd.data.", "auditd.user.selinux.", "auditd.file.selinux.",
    ]

    /// True when a document from the normalizer can carry `field`.
    public static func canProduce(_ field: String) -> Bool {
        fieldSet.contains(field) || openPrefixes.contains { field.hasPrefix($0) && field.count > $0.count }
    }

    private static let fieldSet = Set(fields)
}
