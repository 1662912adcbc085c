extension Normalizer {
    /// The fixed ECS fields the normalizer (``DocumentBuilder``) can put in a document, auditd_manager shape
    /// (shared/spec/ecs-mapping.md §2.3): the ``ECSField`` cases before the process table's. A rule that tests a
    /// field no source produces can never see a value from audit data; `auspex check` warns about it.
    public static let producedFields: [String] = ECSField.allCases
        .filter { $0.rawValue < ECSField.firstProcessTableField.rawValue }.map(\.name)

    /// Prefixes whose field names are keys found in the records themselves (`auditd.data.<key>` for any key of the
    /// SYSCALL or user-space record: `auditd.data.a1`, `auditd.data.socket.port`, …); any name under them is produced.
    public static let producedFieldPrefixes: [String] = [
        "auditd.data.", "auditd.user.selinux.", "auditd.file.selinux.",
    ]
}
