/// An event document as a flat, ordered list of dotted field names and values
/// (`process.parent.pid`, `event.category`, …).
///
/// Producers append fields in a stable order; `JSONWriter` nests dotted names into objects on output.
/// Lookups are linear: documents hold a few dozen fields, and hot paths use slots (see the EQL schema),
/// not names.
public struct Document: Hashable, Sendable {
    public private(set) var fields: [(name: String, value: FieldValue)]

    public init(fields: [(name: String, value: FieldValue)] = []) {
        self.fields = fields
    }

    /// The value of a dotted field name, or nil when absent.
    public subscript(name: String) -> FieldValue? {
        get { fields.first(where: { $0.name == name })?.value }
        set {
            if let index = fields.firstIndex(where: { $0.name == name }) {
                if let newValue { fields[index].value = newValue } else { fields.remove(at: index) }
            } else if let newValue {
                fields.append((name, newValue))
            }
        }
    }

    /// Appends without checking for an existing field of the same name (producers that know they set it once).
    public mutating func append(_ name: String, _ value: FieldValue) {
        fields.append((name, value))
    }

    public var isEmpty: Bool { fields.isEmpty }

    public static func == (lhs: Document, rhs: Document) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for field in fields {
            hasher.combine(field.name)
            hasher.combine(field.value)
        }
    }
}

extension Document {
    /// Flattens a JSON object into dotted names: `{"process": {"pid": 1}}` → `process.pid`.
    /// Arrays are kept as values (not flattened), so `auditd.paths` stays an array of objects.
    public init(flattening value: FieldValue) {
        var fields: [(name: String, value: FieldValue)] = []
        func walk(_ prefix: String, _ value: FieldValue) {
            if case .object(let entries) = value {
                for entry in entries { walk(prefix.isEmpty ? entry.key : prefix + "." + entry.key, entry.value) }
            } else if !prefix.isEmpty {
                fields.append((prefix, value))
            }
        }
        walk("", value)
        self.init(fields: fields)
    }

    /// The document as one nested JSON object value (dotted names become nested objects).
    public var nested: FieldValue {
        var root: [FieldValue.ObjectEntry] = []
        for field in fields {
            Document.insert(path: field.name.split(separator: ".", omittingEmptySubsequences: false)[...],
                            value: field.value, into: &root)
        }
        return .object(root)
    }

    private static func insert(path: ArraySlice<Substring>, value: FieldValue, into entries: inout [FieldValue.ObjectEntry]) {
        let key = String(path.first!)
        let rest = path.dropFirst()
        let index = entries.firstIndex(where: { $0.key == key })
        if rest.isEmpty {
            if let index { entries[index].value = value } else { entries.append(.init(key, value)) }
            return
        }
        var children: [FieldValue.ObjectEntry] = []
        if let index, case .object(let existing) = entries[index].value { children = existing }
        insert(path: rest, value: value, into: &children)
        if let index { entries[index].value = .object(children) } else { entries.append(.init(key, .object(children))) }
    }
}
