import EventModel

/// Elastic Defend's fork event describes the new process: `process.pid` and `process.entity_id` are the child's,
/// `process.parent.*` is the caller, and everything a fork copies (name, executable, arguments, working directory,
/// user, leaders) is the caller's. The audit document describes the caller, so the Defend view takes the child's
/// identity from the process table (``ForkOutcome``) and the parent's fields from the caller's own.
enum DefendFork {
    /// `process.parent.<suffix>` ← the caller's `process.<suffix>`, for every parent field the enricher writes.
    static let parentSuffixes = [
        "pid", "entity_id", "name", "executable", "args", "args_count", "command_line", "working_directory",
        "interactive", "user.id", "group.id",
    ]

    /// Leaders a fork leaves unchanged; the child leads none of them, so their `same_as_process` is false.
    static let leaderSameAsProcessFields = [
        "process.session_leader.same_as_process", "process.entry_leader.same_as_process",
        "process.group_leader.same_as_process",
    ]

    /// The fork document as a Defend rule saw it (for alerts): the child's pid and entity id, the caller as parent,
    /// leaders not the process. Audit's own fields (`auditd.*`, `event.action`, `user.id`) stay as produced, as in
    /// every alert of a Defend rule.
    static func document(_ document: Document, child: (pid: Int32, entityID: String)) -> Document {
        var fields: [(name: String, value: FieldValue)] = []
        fields.reserveCapacity(document.fields.count + parentSuffixes.count)
        var parent: [(name: String, value: FieldValue)] = []
        for field in document.fields {
            switch field.name {
            case "process.pid":
                fields.append((field.name, .int(Int64(child.pid))))
                parent.append(("process.parent.pid", field.value))
            case "process.entity_id":
                fields.append((field.name, .string(child.entityID)))
                parent.append(("process.parent.entity_id", field.value))
            case _ where field.name.hasPrefix("process.parent."):
                continue  // the caller's parent: not the child's
            case _ where leaderSameAsProcessFields.contains(field.name):
                fields.append((field.name, .bool(false)))
            default:
                fields.append(field)
                let suffix = field.name.dropFirst("process.".count)
                if field.name.hasPrefix("process."), parentSuffixes.contains(where: { $0 == suffix }) {
                    parent.append(("process.parent." + suffix, field.value))
                }
            }
        }
        return Document(fields: fields + parent)
    }
}
