/// Writes `FieldValue`s and `Document`s as compact JSON (RFC 8259), escaping every control character,
/// so hostile process names and arguments can never break a line of NDJSON.
public enum JSONWriter {
    /// Serializes a value to a UTF-8 string.
    public static func string(_ value: FieldValue) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Serializes a document, nesting dotted names into objects.
    public static func string(_ document: Document) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64 * document.fields.count + 64)
        write(document, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends a document as one nested JSON object, straight from its flat fields (no intermediate values):
    /// objects appear in the order their first field was added. Same output as `write(document.nested, …)`.
    public static func write(_ document: Document, to out: inout [UInt8]) {
        let paths = document.fields.map { $0.name.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) }
        writeObject(document, paths, members: Array(paths.indices), depth: 0, to: &out)
    }

    /// One object level: groups the members by their path component at `depth`, keeping first-seen order.
    private static func writeObject(_ document: Document, _ paths: [[Substring.UTF8View.SubSequence]], members: [Int],
                                    depth: Int, to out: inout [UInt8])
    {
        var groups: [(key: Substring.UTF8View.SubSequence, leaf: Int?, children: [Int])] = []
        for member in members {
            let key = paths[member][depth]
            let isLeaf = paths[member].count == depth + 1
            if let g = groups.firstIndex(where: { $0.key.elementsEqual(key) }) {
                // A later leaf replaces both an earlier leaf and an object at the same name, as `nested` does.
                if isLeaf { groups[g].leaf = member; groups[g].children = [] } else { groups[g].children.append(member) }
            } else {
                groups.append((key, isLeaf ? member : nil, isLeaf ? [] : [member]))
            }
        }
        out.append(UInt8(ascii: "{"))
        for (i, group) in groups.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            writeString(String(decoding: group.key, as: UTF8.self), to: &out)
            out.append(UInt8(ascii: ":"))
            if !group.children.isEmpty {
                writeObject(document, paths, members: group.children, depth: depth + 1, to: &out)
            } else if let leaf = group.leaf {
                write(document.fields[leaf].value, to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Appends the JSON form of `value` to `out`.
    public static func write(_ value: FieldValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d):
            if d.isFinite {
                if d.rounded() == d && abs(d) < 1e15 { out.append(contentsOf: String(Int64(d)).utf8) } else { out.append(contentsOf: "\(d)".utf8) }
            } else {
                out.append(contentsOf: "null".utf8)
            }
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let entries):
            out.append(UInt8(ascii: "{"))
            for (i, entry) in entries.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                writeString(entry.key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(entry.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Appends a quoted, escaped JSON string. Invalid UTF-8 never reaches here: Swift strings are valid
    /// Unicode (producers decode bytes with replacement characters). Runs that need no escaping are copied whole.
    public static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = s
        text.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                appendEscape(byte, to: &out)
                runStart = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        default:
            out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                    hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
        }
    }
}
