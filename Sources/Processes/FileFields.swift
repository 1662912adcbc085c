import EventModel
import Events

/// Defend's derived file fields, from what the normalizer wrote: `file.name`/`file.extension` from `file.path`,
/// and for renames `file.Ext.original.*` from the PATH item the kernel marks `DELETE`. Audit-derivable fields
/// rules use (rule-corpus.md field table) that the auditd_manager shape lacks; only absent fields are added.
enum FileFields {
    /// `isRename`: the event is a rename, renameat or renameat2 call.
    static func add(to slots: inout EventSlots, isRename: Bool) {
        guard let path = slots[.filePath].stringValue, !path.isEmpty else { return }
        guard isRename, case .array(let items) = slots[.auditdPaths] else {
            if !slots.has(.fileName) { set(&slots, path: path) }
            return
        }
        // rename(old, new): the first DELETE item is the old name (a second one is a replaced target), the CREATE
        // item the new one. auditd_manager's file.path is the old name; Defend's file.name/extension (which
        // auditd_manager documents do not have) describe the new one, its file.Ext.original.* the old one.
        func name(_ type: String) -> String? {
            items.first { $0["nametype"]?.stringValue == type }?["name"]?.stringValue
        }
        if !slots.has(.fileName) { set(&slots, path: name("CREATE") ?? path) }
        if !slots.has(.fileExtOriginalPath), let original = name("DELETE") {
            slots[.fileExtOriginalPath] = .string(original)
            set(&slots, path: original, name: .fileExtOriginalName, extension: .fileExtOriginalExtension)
        }
    }

    private static func set(_ slots: inout EventSlots, path: String, name nameField: ECSField = .fileName,
                            extension extensionField: ECSField = .fileExtension) {
        let name = lastComponent(path)
        slots[nameField] = .string(name)
        // ECS: the extension without the dot; none for dotfiles (".bashrc") or names without one.
        if let dot = name.lastIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex {
            slots[extensionField] = .string(String(name[name.index(after: dot)...]))
        }
    }

    /// The last non-empty `/`-separated component (the path itself when it has none, as `/`), split on the byte
    /// as Defend does; `split` over Characters cost about 8k instructions a path.
    static func lastComponent(_ path: String) -> String {
        let bytes = path.utf8
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == UInt8(ascii: "/") { end = bytes.index(before: end) }
        guard end > bytes.startIndex else { return path }
        var start = end
        while start > bytes.startIndex, bytes[bytes.index(before: start)] != UInt8(ascii: "/") { start = bytes.index(before: start) }
        return String(path[start..<end])
    }
}
