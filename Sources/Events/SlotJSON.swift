import EventModel

/// Writes an event's slots as the one-line JSON object that `JSONWriter.write(slots.document(), …)` writes, without
/// building the document or splitting a dotted name per event (`auspex events` runs this once per event).
///
/// The fixed fields' names are split into a trie once (``SlotJSONLayout``), keys pre-encoded. Per event the writer
/// links the trie nodes of the fields the event holds, in field order, so every object appears where its first
/// present field puts it, exactly as the document writer nests them. Open fields (``EventSlots/extras``, e.g.
/// `auditd.data.fver`) that are new leaves of a fixed object are linked after the fixed fields, as the document
/// writer appends them; an event with any other open field (a new object, a name given twice, a name that is a
/// fixed object) takes the document path.
///
/// Owns scratch arrays sized to the trie, reused from event to event (no allocation once warm).
public struct SlotJSONWriter {
    private let layout = SlotJSONLayout.shared
    /// Per trie node: the event (generation) that last linked it, its first and last linked child, its next sibling.
    private var linkedIn: [UInt32]
    private var firstChild: [Int32]
    private var lastChild: [Int32]
    private var nextSibling: [Int32]
    private var generation: UInt32 = 0

    public init() {
        let count = layout.nodes.count
        linkedIn = [UInt32](repeating: 0, count: count)
        firstChild = [Int32](repeating: -1, count: count)
        lastChild = [Int32](repeating: -1, count: count)
        nextSibling = [Int32](repeating: -1, count: count)
    }

    /// Appends the event's JSON object (no newline) to `out`.
    public mutating func write(_ slots: EventSlots, to out: inout [UInt8]) {
        guard let extraParents = layout.parents(ofLeaves: slots.extras) else {
            JSONWriter.write(slots.document(), to: &out)
            return
        }
        let needed = layout.nodes.count + extraParents.count
        if linkedIn.count < needed {
            let more = needed - linkedIn.count
            linkedIn += repeatElement(0, count: more)
            firstChild += repeatElement(-1, count: more)
            lastChild += repeatElement(-1, count: more)
            nextSibling += repeatElement(-1, count: more)
        }
        generation &+= 1
        if generation == 0 {  // wrapped: no node may look linked by an event 2^32 events ago
            for index in linkedIn.indices { linkedIn[index] = 0 }
            generation = 1
        }
        link(SlotJSONLayout.root)
        layout.pathNodes.withUnsafeBufferPointer { pathNodes in
            for field in 0..<EventSlots.fixedCount where !slots.values[field].isNull {
                let range = layout.pathRanges[field]
                linkPath(UnsafeBufferPointer(rebasing: pathNodes[Int(range.lowerBound)..<Int(range.upperBound)]))
            }
        }
        for (index, parent) in extraParents.enumerated() {
            layout.paths(toObject: parent).withUnsafeBufferPointer { linkPath($0) }
            append(Int32(layout.nodes.count + index), to: parent)
        }
        layout.nodes.withUnsafeBufferPointer { nodes in
            layout.keyBytes.withUnsafeBufferPointer { keys in
                writeObject(SlotJSONLayout.root, slots, nodes: nodes, keys: keys, to: &out)
            }
        }
    }

    /// Links the nodes of a path from the document down, each under its parent once per event.
    private mutating func linkPath(_ path: UnsafeBufferPointer<Int32>) {
        var parent = SlotJSONLayout.root
        for node in path {
            if linkedIn[Int(node)] != generation { append(node, to: parent) }
            parent = Int(node)
        }
    }

    private mutating func append(_ node: Int32, to parent: Int) {
        link(node)
        if lastChild[parent] < 0 { firstChild[parent] = node } else { nextSibling[Int(lastChild[parent])] = node }
        lastChild[parent] = node
    }

    private mutating func link(_ node: Int32) { link(Int(node)) }

    private mutating func link(_ node: Int) {
        linkedIn[node] = generation
        firstChild[node] = -1
        lastChild[node] = -1
        nextSibling[node] = -1
    }

    /// `nodes` and `keys` are the layout's, lent for the event: nothing retained per field.
    private func writeObject(_ node: Int, _ slots: EventSlots, nodes: UnsafeBufferPointer<SlotJSONLayout.Node>,
                             keys: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var child = firstChild[node]
        var first = true
        while child >= 0 {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            guard Int(child) < nodes.count else {  // an open field: its last name component, then its value
                let extra = slots.extras[Int(child) - nodes.count]
                let leaf = extra.name[extra.name.index(after: extra.name.lastIndex(of: ".")!)...]
                JSONWriter.write(.string(String(leaf)), to: &out)
                out.append(UInt8(ascii: ":"))
                JSONWriter.write(extra.value, to: &out)
                child = nextSibling[Int(child)]
                continue
            }
            let entry = nodes[Int(child)]
            out.append(contentsOf: UnsafeBufferPointer(rebasing: keys[Int(entry.keyStart)..<Int(entry.keyEnd)]))
            if entry.field >= 0 {
                JSONWriter.write(slots.values[Int(entry.field)], to: &out)
            } else {
                writeObject(Int(child), slots, nodes: nodes, keys: keys, to: &out)
            }
            child = nextSibling[Int(child)]
        }
        out.append(UInt8(ascii: "}"))
    }
}

/// The fixed fields' dotted names as a trie, made once: node 0 is the document, each other node one name
/// component with its JSON key pre-encoded (`"name":`), leaves carrying their field's slot.
struct SlotJSONLayout: Sendable {
    /// Plain integers (no reference to retain when the writer reads one per field).
    struct Node: Sendable {
        /// `"component":`, escaped as JSON: `keyBytes[keyStart..<keyEnd]`.
        var keyStart: Int32
        var keyEnd: Int32
        /// The slot written here, for a leaf; -1 for an object.
        var field: Int32
    }

    static let root = 0
    static let shared = SlotJSONLayout()

    private(set) var nodes: [Node] = [Node(keyStart: 0, keyEnd: 0, field: -1)]
    /// Every node's key, one after another.
    private(set) var keyBytes: [UInt8] = []
    /// Per fixed field: `pathNodes[pathRanges[field]]` are the trie nodes from the document's child down to its leaf.
    private(set) var pathNodes: [Int32] = []
    private(set) var pathRanges: [Range<Int32>] = []
    /// Every node's dotted name (objects and leaves) to the node.
    private var nodeByName: [String: Int] = [:]
    /// Per object node: the trie nodes from the document's child down to it.
    private var objectPaths: [Int: [Int32]] = [:]

    /// The trie path of an object node.
    func paths(toObject node: Int) -> [Int32] { objectPaths[node] ?? [] }

    /// For open fields that are each a new leaf of a fixed object (the parent's name is an object node, the full
    /// name is no node, no name repeats): each one's parent node. Nil when any is not, or there are too many to
    /// check for repeats cheaply.
    func parents(ofLeaves extras: [(name: String, value: FieldValue)]) -> [Int]? {
        if extras.isEmpty { return [] }
        guard extras.count <= 64 else { return nil }
        var parents: [Int] = []
        parents.reserveCapacity(extras.count)
        for (index, extra) in extras.enumerated() {
            guard let dot = extra.name.lastIndex(of: "."), extra.name.index(after: dot) != extra.name.endIndex,
                  let parent = nodeByName[String(extra.name[..<dot])], nodes[parent].field < 0,
                  nodeByName[extra.name] == nil else { return nil }
            for earlier in extras[..<index] where earlier.name == extra.name { return nil }
            parents.append(parent)
        }
        return parents
    }

    private init() {
        var children: [Int: [String: Int]] = [:]
        for field in ECSField.allCases {
            var parent = Self.root
            var path: [Int32] = []
            let components = field.name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            for (position, component) in components.enumerated() {
                let isLeaf = position == components.count - 1
                if let existing = children[parent]?[component] {
                    precondition(!isLeaf && nodes[existing].field < 0,
                                 "\(field.name): a fixed name is also an object of another (the trie would differ)")
                    parent = existing
                } else {
                    precondition(parent == Self.root || nodes[parent].field < 0,
                                 "\(field.name): a fixed name nests under another fixed field")
                    let keyStart = Int32(keyBytes.count)
                    JSONWriter.write(.string(component), to: &keyBytes)
                    keyBytes.append(UInt8(ascii: ":"))
                    nodes.append(Node(keyStart: keyStart, keyEnd: Int32(keyBytes.count),
                                      field: isLeaf ? Int32(field.rawValue) : -1))
                    children[parent, default: [:]][component] = nodes.count - 1
                    parent = nodes.count - 1
                }
                path.append(Int32(parent))
                let name = components[...position].joined(separator: ".")
                nodeByName[name] = parent
                if !isLeaf { objectPaths[parent] = path }
            }
            pathRanges.append(Int32(pathNodes.count)..<Int32(pathNodes.count + path.count))
            pathNodes += path
        }
    }
}
