/// The document being built, with what TOML 1.0's table rules need to know about each table: how it came to exist.
///
/// Tables live in an arena and refer to each other by index, so adding a key to a deep table or an element to an array
/// of tables is a constant-time edit rather than a copy of the path down to it. ``materialize()`` turns the arena
/// into ``TOMLTable`` values once the document is read.
struct TOMLTree {
    /// How a table was created, which decides what may add to it later.
    enum Origin {
        /// As an intermediate of a header path (`a` of `[a.b]`): a header may still define it, once.
        case implicit
        /// By its own `[header]` or `[[header]]`: defined.
        case header
        /// By a dotted key (`a.b = 1` creates `a`): more dotted keys of the same table may add to it, and headers may
        /// define tables below it, but not it.
        case dotted
    }

    enum Slot {
        case value(TOMLValue)
        case table(Int)
        /// An array of tables (`[[name]]`): index into `tableArrays`.
        case tableArray(Int)
    }

    struct Table {
        var keys: [String] = []
        var slots: [String: Slot] = [:]
        var origin: Origin
        var depth: Int
    }

    /// Deeper nesting is refused: a hostile file must not drive recursion (here, in materializing, comparing or
    /// freeing the values) deep enough to exhaust the stack.
    static let maximumDepth = 128

    private(set) var tables: [Table] = [Table(origin: .header, depth: 0)]
    private var tableArrays: [[Int]] = []

    static let root = 0

    func slot(_ key: String, in table: Int) -> Slot? { tables[table].slots[key] }
    func origin(of table: Int) -> Origin { tables[table].origin }
    func lastElement(ofArray array: Int) -> Int { tableArrays[array][tableArrays[array].count - 1] }
    func count(ofArray array: Int) -> Int { tableArrays[array].count }

    mutating func setOrigin(_ origin: Origin, of table: Int) { tables[table].origin = origin }

    /// A new empty table under `key` of `parent`, which must not have `key`. Nil when it would be too deep.
    mutating func addTable(_ key: String, in parent: Int, origin: Origin) -> Int? {
        let depth = tables[parent].depth + 1
        guard depth <= TOMLTree.maximumDepth else { return nil }
        tables.append(Table(origin: origin, depth: depth))
        put(key, .table(tables.count - 1), in: parent)
        return tables.count - 1
    }

    /// A new empty table no key holds yet: an inline table being read, at `depth`. Nil when that is too deep.
    mutating func addDetachedTable(depth: Int) -> Int? {
        guard depth <= TOMLTree.maximumDepth else { return nil }
        tables.append(Table(origin: .dotted, depth: depth))
        return tables.count - 1
    }

    /// A new array of tables under `key` of `parent`, with its first table. Nil when it would be too deep.
    mutating func addTableArray(_ key: String, in parent: Int) -> Int? {
        let depth = tables[parent].depth + 1
        guard depth <= TOMLTree.maximumDepth else { return nil }
        tables.append(Table(origin: .header, depth: depth))
        tableArrays.append([tables.count - 1])
        put(key, .tableArray(tableArrays.count - 1), in: parent)
        return tables.count - 1
    }

    /// A new table at the end of an array of tables.
    mutating func appendTable(toArray array: Int) -> Int {
        let depth = tables[tableArrays[array][0]].depth
        tables.append(Table(origin: .header, depth: depth))
        tableArrays[array].append(tables.count - 1)
        return tables.count - 1
    }

    mutating func put(_ key: String, _ slot: Slot, in table: Int) {
        tables[table].keys.append(key)
        tables[table].slots[key] = slot
    }

    func depth(of table: Int) -> Int { tables[table].depth }

    /// An inline table, read: it and the tables its dotted keys created are the arena's last ones, and are dropped
    /// now that it is a value.
    mutating func takeInlineTable(_ table: Int) -> TOMLTable {
        let value = materialize(table)
        tables.removeSubrange(table...)
        return value
    }

    /// The finished document.
    func materialize() -> TOMLTable { materialize(TOMLTree.root) }

    /// `mapValues` keeps the dictionary's layout: no key is hashed again.
    private func materialize(_ index: Int) -> TOMLTable {
        let table = tables[index]
        return TOMLTable(keys: table.keys, values: table.slots.mapValues { slot in
            switch slot {
            case .value(let value): return value
            case .table(let child): return .table(materialize(child))
            case .tableArray(let array): return .array(tableArrays[array].map { .table(materialize($0)) })
            }
        })
    }
}
