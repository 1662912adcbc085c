extension Normalizer {
    /// The ECS fields the normalizer (``DocumentBuilder``) can put in a document, auditd_manager shape
    /// (shared/spec/ecs-mapping.md §2.3), grouped as the document builder writes them. A rule that tests a field no
    /// source produces can never see a value from audit data; `auspex check` warns about it.
    public static let producedFields: [String] = [
        "@timestamp",
        // event.*, data_stream.*, ecs, service
        "event.kind", "event.module", "event.dataset", "event.category", "event.type", "event.action",
        "event.outcome", "event.sequence", "event.id",
        "data_stream.type", "data_stream.dataset", "ecs.version", "service.type",
        // auditd.*
        "auditd.message_type", "auditd.result", "auditd.session", "auditd.paths",
        "auditd.summary.actor.primary", "auditd.summary.actor.secondary", "auditd.summary.object.type",
        "auditd.summary.object.primary", "auditd.summary.object.secondary", "auditd.summary.how",
        "auditd.user.audit.id", "auditd.user.audit.name",
        "auditd.user.saved.id", "auditd.user.saved.name", "auditd.user.saved.group.id", "auditd.user.saved.group.name",
        "auditd.user.filesystem.id", "auditd.user.filesystem.name",
        "auditd.user.filesystem.group.id", "auditd.user.filesystem.group.name",
        "auditd.user.old_auid.id", "auditd.user.old_auid.name", "auditd.user.new_auid.id", "auditd.user.new_auid.name",
        // user.*, group.*
        "user.id", "user.name", "user.group.id", "user.group.name",
        "user.effective.id", "user.effective.name", "user.effective.group.id", "user.effective.group.name",
        "user.target.id", "user.target.name", "group.id", "group.name",
        // process.*
        "process.pid", "process.parent.pid", "process.name", "process.executable", "process.args",
        "process.title", "process.working_directory",
        // file.*
        "file.path", "file.device", "file.inode", "file.mode", "file.uid", "file.owner", "file.gid", "file.group",
        // network
        "source.ip", "source.port", "source.address", "destination.ip", "destination.port", "destination.address",
        "network.direction",
        // host, tags
        "host.id", "host.name", "host.hostname", "host.os.type", "tags",
    ]

    /// Prefixes whose field names are keys found in the records themselves (`auditd.data.<key>` for any key of the
    /// SYSCALL or user-space record: `auditd.data.a1`, `auditd.data.socket.port`, …); any name under them is produced.
    public static let producedFieldPrefixes: [String] = [
        "auditd.data.", "auditd.user.selinux.", "auditd.file.selinux.",
    ]
}
