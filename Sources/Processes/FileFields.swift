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
        guard let syscall, syscall.hasPrefix("rename"), case .array(let items)? = document["auditd.paths"] else {
            if document["file.name"] == nil { set(&document, prefix: "file", path: path, includePath: false) }
            return
        }
        // rename(old, new): the first DELETE item is the old name (a second one is a replaced target), the CREATE
        // item the new one. auditd_manager's file.path is the old name; Defend's file.name/extension (which
        // auditd_manager documents do not have) describe the new one, its file.Ext.original.* the old one.
        func name(_ type: String) -> String? {
            items.first { $0["nametype"]?.stringValue == type }?["name"]?.stringValue
        }
        if document["file.name"] == nil { set(&document, prefix: "file", path: name("CREATE") ?? path, includePath: false) }
        if document["file.Ext.original.path"] == nil, let original = name("DELETE") {
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
