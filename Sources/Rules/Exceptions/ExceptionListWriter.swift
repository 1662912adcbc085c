import EventModel
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Hand-made exception items in Kibana's NDJSON export format (`auspex exception add`), appended atomically to an
/// exception file.
///
/// **Attachment.** A rule names its lists in `[[rule.exceptions_list]]`, which auspex does not edit in rule files.
/// So each list written here carries its own rule scope in the container's `meta` (a free-form object Kibana keeps
/// on import and export): `"meta": {"auspex_rule_ids": ["<rule id>"]}` for the list of one rule (a `rule_default`
/// list, `list_id` `auspex-rule-<rule id>`, as Kibana makes one per rule), `["*"]` for the shared list applied to
/// every rule (`type` `detection`, `list_id` `auspex-all-rules`). The loader attaches a list to the rules its scope
/// names, besides `[[rule.exceptions_list]]` and `[exceptions] attach_to_all_rules`.
public enum ExceptionListWriter {
    /// The file written in the first `[exceptions] paths` directory when none is named.
    static let defaultFileName = "auspex-local.ndjson"

    enum Scope: Sendable, Hashable {
        case rule(String)
        case allRules

        var listID: String {
            switch self {
            case .rule(let id): return "auspex-rule-" + id
            case .allRules: return "auspex-all-rules"
            }
        }
    }

    public struct Item: Sendable {
        var scope: Scope
        var field: String
        var value: String
        var excluded = false
        var name: String?
        var description: String?
        /// RFC 3339 time after which the item stops applying (`expire_time`).
        var expireTime: String?

        init(scope: Scope, field: String, value: String) {
            self.scope = scope
            self.field = field
            self.value = value
        }

        /// A `match` item for the rule with id `rule` (nil: every rule): `field` equals `value`, or with `excluded`
        /// does not.
        public init(rule: String?, field: String, value: String, excluded: Bool, name: String?, description: String?,
                    expireTime: String?) {
            self.init(scope: rule.map { .rule($0) } ?? .allRules, field: field, value: value)
            self.excluded = excluded
            self.name = name
            self.description = description
            self.expireTime = expireTime
        }
    }

    struct WriteError: Error, CustomStringConvertible, Sendable {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func uuid() -> String { UUID().uuidString.lowercased() }

    static func now() -> String {
        UTCTime.format(nanosecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000_000), fractionDigits: 3)
    }

    /// Appends `item` to the exception file at `path` (see ``append(_:to:)``), after its list's container line when
    /// `existing` (the exception files read with it) does not define the list yet; returns the new item's id.
    static func add(_ item: Item, ruleName: String?, to path: String, existing: ExceptionLists) throws -> String {
        var lines: [String] = []
        if existing.lists[item.scope.listID] == nil { lines.append(containerLine(for: item.scope, ruleName: ruleName)) }
        let (line, itemID) = itemLine(item)
        lines.append(line)
        try append(lines, to: path)
        return itemID
    }

    /// The list container line for `scope` (`ruleName` names a rule's list as Kibana does).
    static func containerLine(for scope: Scope, ruleName: String? = nil) -> String {
        let time = now()
        let (type, name, description, ids): (String, String, String, [String])
        switch scope {
        case .rule(let id):
            type = "rule_default"
            name = (ruleName ?? id) + " - Default Exception List"
            description = "Exceptions of rule \(id), added with auspex exception add"
            ids = [id]
        case .allRules:
            type = "detection"
            name = "auspex: all rules"
            description = "Exceptions of every rule, added with auspex exception add"
            ids = ["*"]
        }
        return JSONWriter.string(.object([
            .init("created_at", .string(time)), .init("created_by", .string("auspex")),
            .init("description", .string(description)), .init("id", .string(uuid())),
            .init("immutable", .bool(false)), .init("list_id", .string(scope.listID)),
            .init("meta", .object([.init("auspex_rule_ids", .array(ids.map { .string($0) }))])),
            .init("name", .string(name)), .init("namespace_type", .string("single")),
            .init("os_types", .array([.string("linux")])), .init("tags", .array([.string("auspex")])),
            .init("tie_breaker_id", .string(uuid())), .init("type", .string(type)),
            .init("updated_at", .string(time)), .init("updated_by", .string("auspex")), .init("version", .int(1)),
        ]))
    }

    /// The item line and its `item_id`.
    static func itemLine(_ item: Item) -> (line: String, itemID: String) {
        let time = now()
        let itemID = uuid()
        let operatorName = item.excluded ? "excluded" : "included"
        let name = item.name ?? "\(item.field) \(item.excluded ? "is not" : "is") \(item.value)"
        var fields: [FieldValue.ObjectEntry] = [
            .init("comments", .array([])), .init("created_at", .string(time)), .init("created_by", .string("auspex")),
            .init("description", .string(item.description ?? "Added with auspex exception add")),
            .init("entries", .array([.object([
                .init("field", .string(item.field)), .init("operator", .string(operatorName)),
                .init("type", .string("match")), .init("value", .string(item.value)),
            ])])),
        ]
        if let expire = item.expireTime { fields.append(.init("expire_time", .string(expire))) }
        fields += [
            .init("id", .string(uuid())), .init("item_id", .string(itemID)), .init("list_id", .string(item.scope.listID)),
            .init("name", .string(name)), .init("namespace_type", .string("single")),
            .init("os_types", .array([.string("linux")])), .init("tags", .array([.string("auspex")])),
            .init("tie_breaker_id", .string(uuid())), .init("type", .string("simple")),
            .init("updated_at", .string(time)), .init("updated_by", .string("auspex")),
        ]
        return (JSONWriter.string(.object(fields)), itemID)
    }

    /// Appends `lines` to `path` atomically: the old content plus the lines go to a temporary file beside it
    /// (mode 0644, fsynced), which is renamed over it, then the directory is fsynced. A reader sees the old file or
    /// the new one. Refuses a symbolic link or anything but a regular file at `path`; creates a missing directory
    /// (mode 0755).
    static func append(_ lines: [String], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var info = stat()
        if lstat(directory, &info) != 0 {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o755])
            } catch {
                throw WriteError("cannot create \(directory): \(error.localizedDescription)")
            }
        } else if (info.st_mode & S_IFMT) == S_IFLNK {
            throw WriteError("refusing to write under \(directory): it is a symbolic link")
        }
        var content: [UInt8] = []
        if lstat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFLNK { throw WriteError("refusing to write \(path): it is a symbolic link") }
            guard (info.st_mode & S_IFMT) == S_IFREG else { throw WriteError("refusing to write \(path): not a regular file") }
            guard let data = FileManager.default.contents(atPath: path) else { throw WriteError("cannot read \(path)") }
            content = Array(data)
            if let last = content.last, last != UInt8(ascii: "\n") { content.append(UInt8(ascii: "\n")) }
        } else if errno != ENOENT {
            throw WriteError("cannot inspect \(path): \(String(cString: strerror(errno)))")
        }
        for line in lines { content += Array(line.utf8) + [UInt8(ascii: "\n")] }

        let temporary = directory + "/." + (path as NSString).lastPathComponent + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw WriteError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var ok = fchmod(descriptor, 0o644) == 0
        var offset = 0
        while ok && offset < content.count {
            let written = content[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { ok = false; break }
            offset += written
        }
        let failure = ok ? 0 : errno
        ok = ok && fsync(descriptor) == 0
        close(descriptor)
        guard ok, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(failure != 0 ? failure : errno))
            unlink(temporary)
            throw WriteError("cannot write \(path): \(reason)")
        }
        let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}
