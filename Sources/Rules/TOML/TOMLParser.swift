/// Reads a TOML 1.0 document into a ``TOMLTable`` and a ``TOMLLocator``, or throws the first syntax error, located.
///
/// One pass over the bytes, no recursion except into nested arrays and inline tables, whose depth ``TOMLTree``
/// caps. TOML's table rules are enforced: a key is defined once, a table is defined once (by a header, or by the
/// dotted keys that created it), inline tables and value arrays are complete as written.
struct TOMLParser {
    private var cursor: TOMLCursor
    private var tree = TOMLTree()
    private var locator = TOMLLocator()
    private var currentTable = TOMLTree.root
    /// The current table's located path; nil past ``TOMLLocator/maximumPathBytes`` (then nothing below it is located).
    private var currentPath: String? = ""

    static func parse(_ text: String) throws(TOMLSyntaxError) -> (root: TOMLTable, locator: TOMLLocator) {
        var parser = TOMLParser(cursor: TOMLCursor(text))
        try parser.readDocument()
        return (parser.tree.materialize(), parser.locator)
    }

    private init(cursor: TOMLCursor) { self.cursor = cursor }

    private mutating func readDocument() throws(TOMLSyntaxError) {
        while true {
            cursor.skipBlanks()
            guard let byte = cursor.peek() else { return }
            if cursor.skipNewline() { continue }
            switch byte {
            case UInt8(ascii: "#"):
                try cursor.skipComment()
            case UInt8(ascii: "["):
                try readHeader()
            default:
                try readKeyValue(into: currentTable, path: currentPath)
                try cursor.expectLineEnd(after: "a value")
            }
        }
    }

    // MARK: Keys and headers

    /// A key of one or more dot-separated parts, bare or quoted, with blanks allowed around the dots.
    private mutating func readKey(_ context: String) throws(TOMLSyntaxError) -> [String] {
        var parts: [String] = []
        while true {
            cursor.skipBlanks()
            guard let byte = cursor.peek() else { throw cursor.error("expected \(context), found end of file") }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                if cursor.atMultilineString { throw cursor.error("a key cannot be a multi-line string") }
                parts.append(try cursor.readString(multiline: false))
            } else if TOMLCursor.isBareKeyByte(byte) {
                let start = cursor.index
                while let next = cursor.peek(), TOMLCursor.isBareKeyByte(next) { cursor.skip() }
                parts.append(String(decoding: cursor.bytes[start..<cursor.index], as: UTF8.self))
            } else {
                throw cursor.error("expected \(context), found \(cursor.describeNext())")
            }
            if parts.count > TOMLTree.maximumDepth { throw cursor.error("a key with more than \(TOMLTree.maximumDepth) parts") }
            cursor.skipBlanks()
            guard cursor.peek(is: UInt8(ascii: ".")) else { return parts }
            cursor.skip()
        }
    }

    /// `[a.b]` or `[[a.b]]`: finds or creates the table that the following keys go into.
    private mutating func readHeader() throws(TOMLSyntaxError) {
        let start = cursor.here()
        cursor.skip()
        let isArray = cursor.peek(is: UInt8(ascii: "["))
        if isArray { cursor.skip() }
        let parts = try readKey("a bare key or a quoted key in the table header")
        let closing = isArray ? "']]'" : "']'"
        guard cursor.peek(is: UInt8(ascii: "]")), !isArray || cursor.peek(1) == UInt8(ascii: "]") else {
            throw cursor.error("expected \(closing) to end the table header, found \(cursor.describeNext())")
        }
        cursor.skip(isArray ? 2 : 1)
        try cursor.expectLineEnd(after: "the table header")

        func failure(_ message: String) -> TOMLSyntaxError { TOMLSyntaxError(location: start, message: message) }
        var shown: String { "[" + (isArray ? "[" : "") + parts.joined(separator: ".") + (isArray ? "]" : "") + "]" }
        var table = TOMLTree.root
        var path = ""
        for (position, part) in parts.enumerated() {
            let isLast = position == parts.count - 1
            if !path.isEmpty { path += "." }
            path += part
            switch tree.slot(part, in: table) {
            case nil:
                let added = isLast && isArray ? tree.addTableArray(part, in: table)
                    : tree.addTable(part, in: table, origin: isLast ? .header : .implicit)
                guard let added else { throw failure("tables nested deeper than \(TOMLTree.maximumDepth) levels") }
                table = added
                if isLast && isArray { path += "[0]" }
            case .table(let child):
                if isLast {
                    if isArray { throw failure("\(shown): '\(path)' is already a table, not an array of tables") }
                    switch tree.origin(of: child) {
                    case .implicit: tree.setOrigin(.header, of: child)
                    case .header: throw failure("\(shown): table '\(path)' is already defined")
                    case .dotted: throw failure("\(shown): table '\(path)' is already defined by dotted keys")
                    }
                }
                table = child
            case .tableArray(let array):
                if isLast && !isArray { throw failure("\(shown): '\(path)' is already an array of tables") }
                table = isLast ? tree.appendTable(toArray: array) : tree.lastElement(ofArray: array)
                path += "[\(tree.count(ofArray: array) - 1)]"
            case .value(let value):
                let what = value.table != nil ? "an inline table, which is complete as written"
                    : value.array != nil ? "an array value, to which [[…]] cannot add" : "\(value.typeWithArticle) value"
                throw failure("\(shown): '\(path)' is already \(what)")
            }
        }
        currentTable = table
        currentPath = TOMLLocator.locatable(path)
        if let currentPath { locator.record(table: currentPath, at: start) }
    }

    // MARK: Values

    /// `key = value` into `table` (whose located path is `path`), creating the tables of a dotted key.
    private mutating func readKeyValue(into table: Int, path: String?) throws(TOMLSyntaxError) {
        cursor.skipBlanks()
        let keyStart = cursor.here()
        let parts = try readKey("a key")
        guard cursor.peek(is: UInt8(ascii: "=")) else {
            throw cursor.error("expected '=' after the key, found \(cursor.describeNext())")
        }
        cursor.skip()
        cursor.skipBlanks()
        let dotted = parts.joined(separator: ".")
        func failure(_ message: String) -> TOMLSyntaxError { TOMLSyntaxError(location: keyStart, message: message) }
        var target = table
        for part in parts.dropLast() {
            switch tree.slot(part, in: target) {
            case nil:
                guard let added = tree.addTable(part, in: target, origin: .dotted) else {
                    throw failure("tables nested deeper than \(TOMLTree.maximumDepth) levels")
                }
                target = added
            case .table(let child) where tree.origin(of: child) == .dotted:
                target = child
            default:
                throw failure("cannot define '\(dotted)': '\(part)' is already defined, not by dotted keys here")
            }
        }
        let key = parts[parts.count - 1]
        if tree.slot(key, in: target) != nil { throw failure("duplicate key '\(dotted)'") }
        let keyPath = path.flatMap { TOMLLocator.locatable($0.isEmpty ? dotted : $0 + "." + dotted) }
        let position = TOMLLocator.KeyPosition(key: keyStart, value: cursor.here(), stringContent: stringContentStart(),
                                               isLiteralString: cursor.peek(is: UInt8(ascii: "'")))
        let value = try readValue(depth: tree.depth(of: target) + 1, path: keyPath)
        tree.put(key, .value(value), in: target)
        if let keyPath { locator.record(key: keyPath, position) }
    }

    /// Where the content of a string value starting here begins, without moving.
    private func stringContentStart() -> SourceLocation? {
        guard let byte = cursor.peek(), byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") else { return nil }
        var copy = cursor
        if copy.atMultilineString {
            copy.skip(3)
            _ = copy.skipNewline()
        } else {
            copy.skip()
        }
        return copy.here()
    }

    /// A value; `path` locates the keys of inline tables in it (`element`: its index in the array being read).
    private mutating func readValue(depth: Int, path: String?, element: Int? = nil) throws(TOMLSyntaxError) -> TOMLValue {
        switch cursor.peek() {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            return .string(try cursor.readString())
        case UInt8(ascii: "["):
            return try readArray(depth: depth, path: TOMLParser.elementPath(path, element))
        case UInt8(ascii: "{"):
            return .table(try readInlineTable(depth: depth, path: TOMLParser.elementPath(path, element)))
        default:
            return try cursor.readScalar()
        }
    }

    /// The located path of an array's element (`path[3]`), built only for the arrays and inline tables whose keys
    /// are located.
    private static func elementPath(_ path: String?, _ element: Int?) -> String? {
        guard let element else { return path }
        return path.flatMap { TOMLLocator.locatable($0 + "[\(element)]") }
    }

    /// `[v, v, …]`: any values, mixed types, newlines and comments between them, an optional trailing comma.
    private mutating func readArray(depth: Int, path: String?) throws(TOMLSyntaxError) -> TOMLValue {
        guard depth <= TOMLTree.maximumDepth else {
            throw cursor.error("arrays and tables nested deeper than \(TOMLTree.maximumDepth) levels")
        }
        cursor.skip()
        var elements: [TOMLValue] = []
        while true {
            try cursor.skipBlanksCommentsAndNewlines()
            if cursor.peek(is: UInt8(ascii: "]")) { break }
            elements.append(try readValue(depth: depth + 1, path: path, element: elements.count))
            try cursor.skipBlanksCommentsAndNewlines()
            if cursor.peek(is: UInt8(ascii: ",")) {
                cursor.skip()
            } else if !cursor.peek(is: UInt8(ascii: "]")) {
                throw cursor.error("expected ',' or ']' after an array element, found \(cursor.describeNext())")
            }
        }
        cursor.skip()
        return .array(elements)
    }

    /// `{k = v, …}` on one line, no trailing comma (TOML 1.0); complete as written.
    private mutating func readInlineTable(depth: Int, path: String?) throws(TOMLSyntaxError) -> TOMLTable {
        guard let table = tree.addDetachedTable(depth: depth) else {
            throw cursor.error("arrays and tables nested deeper than \(TOMLTree.maximumDepth) levels")
        }
        cursor.skip()
        cursor.skipBlanks()
        if !cursor.peek(is: UInt8(ascii: "}")) {
            while true {
                try readKeyValue(into: table, path: path)
                cursor.skipBlanks()
                if cursor.peek(is: UInt8(ascii: "}")) { break }
                guard cursor.peek(is: UInt8(ascii: ",")) else {
                    throw cursor.error("expected ',' or '}' after an inline table's value, found \(cursor.describeNext())")
                }
                cursor.skip()
            }
        }
        cursor.skip()
        return tree.takeInlineTable(table)
    }
}
