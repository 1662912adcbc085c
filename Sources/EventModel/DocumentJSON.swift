#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension JSONWriter {
    /// Appends a document as one nested JSON object, straight from its flat fields (no intermediate values):
    /// objects appear in the order their first field was added, and a later field replaces an earlier one of the
    /// same name (a leaf replaces an object too). Same output as `write(document.nested, …)`.
    ///
    /// Runs once per event in `auspex events`: the names are copied into one byte buffer and nested by a small
    /// tree of byte ranges, so no per-component strings or arrays of substrings are made.
    public static func write(_ document: Document, to out: inout [UInt8]) {
        var tree = NameTree()
        tree.nodes.reserveCapacity(document.fields.count + 16)
        for (index, field) in document.fields.enumerated() { tree.insert(field.name, field: index) }
        tree.write(tree.root, document, to: &out)
    }
}

/// The dotted names of a document as a tree of path components (byte ranges into `bytes`), children in
/// first-seen order.
private struct NameTree {
    struct Node {
        var key: Range<Int>
        /// Index in the document of the field written here when the node has no children.
        var leaf: Int?
        var children: [Int] = []
        /// Whether `wide` indexes this node's children (it has more than `linearSearchLimit`).
        var indexed = false
    }

    /// A child's name under its parent, for the index of wide nodes.
    struct ChildName: Hashable {
        var parent: Int
        var name: [UInt8]
    }

    let root = 0
    var bytes: [UInt8] = []
    var nodes: [Node] = [Node(key: 0..<0, leaf: nil)]
    /// Children of nodes with many of them (an event with thousands of keys): a linear search per insert
    /// would make the writer quadratic.
    var wide: [ChildName: Int] = [:]
    static let linearSearchLimit = 64

    mutating func insert(_ name: String, field: Int) {
        let start = bytes.count
        bytes.append(contentsOf: name.utf8)
        let end = bytes.count
        var node = root
        var componentStart = start
        while true {
            let dot = bytes[componentStart..<end].firstIndex(of: UInt8(ascii: ".")) ?? end
            let isLeaf = dot == end
            let key = componentStart..<dot
            let child: Int
            if let existing = findChild(of: node, named: key) {
                child = existing
                if isLeaf {  // a later leaf replaces an earlier leaf and an object alike
                    nodes[child].leaf = field
                    if nodes[child].indexed {
                        for grandchild in nodes[child].children {
                            wide[ChildName(parent: child, name: Array(bytes[nodes[grandchild].key]))] = nil
                        }
                        nodes[child].indexed = false
                    }
                    nodes[child].children.removeAll()
                }
            } else {
                child = nodes.count
                nodes.append(Node(key: key, leaf: isLeaf ? field : nil))
                nodes[node].children.append(child)
                if nodes[node].indexed {
                    wide[ChildName(parent: node, name: Array(bytes[key]))] = child
                } else if nodes[node].children.count > Self.linearSearchLimit {
                    nodes[node].indexed = true
                    for existing in nodes[node].children {
                        wide[ChildName(parent: node, name: Array(bytes[nodes[existing].key]))] = existing
                    }
                }
            }
            if isLeaf { return }
            node = child
            componentStart = dot + 1
        }
    }

    /// Child names are unique, so the search may run backwards: fields of one object usually arrive together.
    private func findChild(of node: Int, named key: Range<Int>) -> Int? {
        if nodes[node].indexed { return wide[ChildName(parent: node, name: Array(bytes[key]))] }
        return bytes.withUnsafeBufferPointer { buffer in
            for child in nodes[node].children.reversed() {
                let other = nodes[child].key
                if other.count == key.count,
                   other.isEmpty || memcmp(buffer.baseAddress! + other.lowerBound, buffer.baseAddress! + key.lowerBound,
                                           key.count) == 0 {
                    return child
                }
            }
            return nil
        }
    }

    func write(_ node: Int, _ document: Document, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (position, child) in nodes[node].children.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            bytes.withUnsafeBufferPointer { buffer in
                JSONWriter.writeString(bytes: UnsafeBufferPointer(rebasing: buffer[nodes[child].key]), to: &out)
            }
            out.append(UInt8(ascii: ":"))
            if !nodes[child].children.isEmpty {
                write(child, document, to: &out)
            } else if let leaf = nodes[child].leaf {
                JSONWriter.write(document.fields[leaf].value, to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
    }
}
