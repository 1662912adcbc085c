@testable import EventModel
@testable import Events

/// Test-side conversion of a go-libaudit `aucoalesce.Event` (as JSON in the `.json.golden` files) into the
/// fields of the auditd_manager document built from it: Beats `buildMetricbeatEvent` (addUser, addProcess,
/// addFile, addAddress, ECS entity copy, redundant `user.effective` removal) followed by the integration's
/// ingest pipeline renames (§2.1–§2.2).
enum AucoalesceToECS {
    static func fields(_ event: FieldValue, host: HostInfo) -> [String: FieldValue] {
        var out: [String: FieldValue] = [:]
        func put(_ name: String, _ value: FieldValue?) {
            guard let value else { return }
            if case .string(let s) = value, s.isEmpty { return }
            out[name] = value
        }
        func walk(_ value: FieldValue?, _ body: (String, FieldValue) -> Void) {
            guard case .object(let entries)? = value else { return }
            for entry in entries { body(entry.key, entry.value) }
        }
        func underscore(_ key: String) -> String { String(key.map { $0 == "-" ? "_" : $0 }) }

        if let text = event["@timestamp"]?.stringValue {
            put("@timestamp", ExampleDocumentTests.epochMilliseconds(text).map(FieldValue.int))
        }
        put("event.kind", "event")
        put("event.module", "auditd")
        put("event.dataset", "auditd_manager.auditd")
        put("data_stream.type", "logs")
        put("data_stream.dataset", "auditd_manager.auditd")
        put("ecs.version", "8.11.0")
        put("service.type", "auditd")
        put("host.id", host.id.map(FieldValue.string))
        put("host.name", host.name.map(FieldValue.string))
        put("host.hostname", host.name.map(FieldValue.string))
        put("host.os.type", "linux")

        let ecs = event["ecs"]
        if case .array(let categories)? = ecs?["event"]?["category"], !categories.isEmpty {
            put("event.category", .array(categories))
        }
        if case .array(let types)? = ecs?["event"]?["type"], !types.isEmpty { put("event.type", .array(types)) }
        put("event.action", event["summary"]?["action"])
        let result = event["result"]?.stringValue ?? "unknown"
        put("event.outcome", .string(result == "success" ? "success" : result == "fail" ? "failure" : "unknown"))
        put("event.sequence", event["sequence"])
        put("auditd.message_type", event["record_type"])
        put("auditd.result", .string(result))
        if let session = event["session"]?.stringValue, session != "unset" { put("auditd.session", .string(session)) }
        var tags: [FieldValue] = []
        if case .array(let keys)? = event["tags"] { tags = keys }
        put("tags", .array(tags + ["auditd_manager-auditd"]))

        walk(event["data"]) { key, value in
            if key.hasPrefix("socket_") { put("auditd.data.socket." + key.dropFirst(7), value) }
            else if key == "id" { put("event.id", value) }
            else { put("auditd.data." + underscore(key), value) }
        }
        if case .array(let paths)? = event["paths"] {
            put("auditd.paths", .array(paths.map { path in
                guard case .object(let entries) = path else { return path }
                return .object(entries.map { .init(underscore($0.key), $0.value) })
            }))
        }
        let summary = event["summary"]
        put("auditd.summary.actor.primary", summary?["actor"]?["primary"])
        put("auditd.summary.actor.secondary", summary?["actor"]?["secondary"])
        put("auditd.summary.object.type", summary?["object"]?["type"])
        put("auditd.summary.object.primary", summary?["object"]?["primary"])
        put("auditd.summary.object.secondary", summary?["object"]?["secondary"])
        put("auditd.summary.how", summary?["how"])

        // addUser, then the pipeline's moves to auditd.user.*.
        var sawID = false
        walk(event["user"]?["ids"]) { key, value in
            guard value.stringValue != "unset" else { return }
            sawID = true
            let target: String
            switch key {
            case "uid": target = "user.id"
            case "gid": target = "user.group.id"
            case "euid": target = "user.effective.id"
            case "egid": target = "user.effective.group.id"
            case "suid": target = "auditd.user.saved.id"
            case "sgid": target = "auditd.user.saved.group.id"
            case "fsuid": target = "auditd.user.filesystem.id"
            case "fsgid": target = "auditd.user.filesystem.group.id"
            case "auid": target = "auditd.user.audit.id"
            case "old-auid", "new-auid": target = "auditd.user." + underscore(key) + ".id"
            default: target = "user." + underscore(key) + ".id"
            }
            put(target, value)
        }
        if sawID { walk(event["user"]?["selinux"]) { key, value in put("auditd.user.selinux." + key, value) } }

        let process = event["process"]
        put("process.pid", process?["pid"])
        put("process.parent.pid", process?["ppid"])
        put("process.title", process?["title"])
        put("process.name", process?["name"])
        put("process.executable", process?["exe"])
        put("process.working_directory", process?["cwd"])
        if case .array(let args)? = process?["args"], !args.isEmpty { put("process.args", .array(args)) }

        let file = event["file"]
        for key in ["path", "device", "inode", "mode", "uid", "gid", "owner", "group"] { put("file." + key, file?[key]) }
        walk(file?["selinux"]) { key, value in put("auditd.file.selinux." + key, value) }

        for side in ["source", "destination"] {
            let address = event[side]
            put(side + ".ip", address?["ip"])
            put(side + ".port", address?["port"])
            put(side + ".address", address?["path"])
            put(side + ".domain", address?["hostname"])
        }
        put("network.direction", event["network"]?["direction"])

        // ECS entities replace (or remove) the uid-derived user fields.
        func entity(_ prefix: String, _ value: FieldValue?) {
            let id = value?["id"]?.stringValue ?? "", name = value?["name"]?.stringValue ?? ""
            guard !id.isEmpty || !name.isEmpty else { return }
            if !id.isEmpty && id != "unset" { out[prefix + ".id"] = .string(id) } else { out[prefix + ".id"] = nil }
            if !name.isEmpty { out[prefix + ".name"] = .string(name) } else { out[prefix + ".name"] = nil }
        }
        entity("user", ecs?["user"])
        entity("user.effective", ecs?["user"]?["effective"])
        entity("user.target", ecs?["user"]?["target"])
        entity("user.changes", ecs?["user"]?["changes"])
        entity("group", ecs?["group"])
        for suffix in [".id", ".name"] {
            if let value = out["user" + suffix], value == out["user.effective" + suffix] {
                for key in out.keys where key.hasPrefix("user.effective.") { out[key] = nil }
                break
            }
        }
        return out
    }
}
