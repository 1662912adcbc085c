import EventModel

/// Defend's derived file fields, from what the normalizer wrote: `file.name`/`file.extension` from `file.path`,
/// and for renames `file.Ext.original.*` from the PATH item the kernel marks `DELETE`. Audit-derivable fields
/// rules use (rule-corpus.md field table) that the auditd_manager shape lacks; only absent fields are added.
enum FileFields {
    static let produced: [String] = [
        "file.name", "file.extension", "file.Ext.original.path", "file.Ext.original.name",
        "file.Ext.original.extension",
    ]

    static func add(to document: inout Document, syscall: String?) {
        guard let path = document["file.path"]?.stringValue, !path.isEmpty else { return }
        if document["file.name"] == nil { set(&document, prefix: "file", path: path, includePath: false) }
        guard let syscall, syscall.hasPrefix("rename"), document["file.Ext.original.path"] == nil,
              case .array(let items)? = document["auditd.paths"] else { return }
        let deleted = items.compactMap { item -> String? in
            guard item["nametype"]?.stringValue == "DELETE" else { return nil }
            return item["name"]?.stringValue
        }
        // rename(old, new): the first DELETE item is the old name (a second one is a replaced target).
        if let original = deleted.first, original != path || deleted.count == 1 {
            set(&document, prefix: "file.Ext.original", path: original, includePath: true)
        }
    }

    private static func set(_ document: inout Document, prefix: String, path: String, includePath: Bool) {
        let name = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? path
        if includePath { document.append(prefix + ".path", .string(path)) }
        document.append(prefix + ".name", .string(name))
        // ECS: the extension without the dot; none for dotfiles (".bashrc") or names without one.
        if let dot = name.lastIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex {
            document.append(prefix + ".extension", .string(String(name[name.index(after: dot)...])))
        }
    }
}
