/// Finds where keys and table headers sit in a TOML text.
///
/// TOMLKit reports positions only for syntax errors, so semantic diagnostics ("missing query", "risk_score must be an
/// integer") need their own map from key path to line and column. Paths use the parsed document's shape, with the index
/// of each array-of-tables element: `rule.threat[1].technique[0].id`. The scanner understands strings of all four kinds
/// (so a `key = x` line inside a query or a note is not mistaken for a key), comments and multi-line arrays. It runs
/// before the text is parsed (``TOMLText``), so it gets through any text; its positions mean something only for text
/// that parses, and the one problem it reports is ``refusal``.
struct TOMLLocator {
    /// Where a key's name starts and where its value starts.
    struct KeyPosition {
        var key: SourceLocation
        var value: SourceLocation
        /// For string values: where the string's content starts (after the delimiter, and after the newline that TOML
        /// trims right after an opening `'''` / `"""`).
        var stringContent: SourceLocation?
        /// True for literal strings (`'…'`, `'''…'''`), whose content has no escapes: offsets inside map 1:1.
        var isLiteralString: Bool
    }

    private(set) var keys: [String: KeyPosition] = [:]
    private(set) var tables: [String: SourceLocation] = [:]
    /// The first construct TOMLKit's parser (toml++ 3) aborts the process on instead of reporting it, with what is
    /// wrong: a table header whose key does not start with a key character (`[!]`, `[\n`, `[[[`), a date-time value
    /// without a digit after its `T` (`1989-05-27Tx:`), a `}` where an array's element starts (`[1, }`). ``TOMLText``
    /// refuses those before parsing.
    private(set) var refusal: (location: SourceLocation, message: String)?

    init(text: String) {
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.run(into: &self)
    }

    /// The best location for a path: the key itself, else the nearest enclosing key or table, else the file start.
    func location(of path: String) -> SourceLocation {
        var candidate = Substring(path)
        while true {
            if let position = keys[String(candidate)] { return position.key }
            if let position = tables[String(candidate)] { return position }
            guard let cut = candidate.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            candidate = candidate[..<cut]
        }
        return SourceLocation(line: 1, column: 1)
    }

    /// Where the content of the string value of `path` starts, if `path` is a key with a string value.
    func stringContentStart(of path: String) -> SourceLocation? { keys[path]?.stringContent }

    fileprivate mutating func record(key path: String, _ position: KeyPosition) {
        if keys[path] == nil { keys[path] = position }
    }

    fileprivate mutating func refuse(at location: SourceLocation, _ message: String) {
        if refusal == nil { refusal = (location, message) }
    }

    fileprivate mutating func record(table path: String, at location: SourceLocation) {
        if tables[path] == nil { tables[path] = location }
    }
}

private struct Scanner {
    let bytes: [UInt8]
    var index = 0
    var line = 1
    var column = 1
    /// Latest element index of each array of tables, keyed by its resolved path (`rule.threat[0].technique`).
    var arrayIndices: [String: Int] = [:]
    var currentTable = ""

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // a UTF-8 BOM, which toml++ skips too
    }

    var here: SourceLocation { SourceLocation(line: line, column: column) }
    var atEnd: Bool { index >= bytes.count }
    func peek(_ offset: Int = 0) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    mutating func advance() {
        guard index < bytes.count else { return }
        let byte = bytes[index]
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1  // count Unicode scalars, not continuation bytes
        }
    }

    func starts(with text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let pointer = text.utf8Start
        for offset in 0..<count where bytes[index + offset] != pointer[offset] { return false }
        return true
    }

    mutating func skipBlanks() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
            advance()
        }
    }

    mutating func skipLine() {
        while let byte = peek(), byte != UInt8(ascii: "\n") { advance() }
        advance()
    }

    mutating func run(into locator: inout TOMLLocator) {
        while !atEnd {
            skipBlanks()
            guard let byte = peek() else { return }
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "#"):
                skipLine()
            case UInt8(ascii: "["):
                let start = here
                let isArray = peek(1) == UInt8(ascii: "[")
                advance()
                if isArray { advance() }
                if let bad = headerKeyProblem(isArray: isArray) {
                    locator.refuse(at: bad, "expected a bare key or a quoted key in the table header")
                }
                let segments = readKeySegments(until: UInt8(ascii: "]"))
                currentTable = resolve(segments, isArrayTable: isArray)
                locator.record(table: currentTable, at: start)
                skipLine()
            default:
                let start = here
                let segments = readKeySegments(until: UInt8(ascii: "="))
                advance()  // "="
                skipBlanks()
                let valueStart = here
                let content = stringContentStart()
                let literal = peek() == UInt8(ascii: "'")
                let path = ([currentTable].filter { !$0.isEmpty } + segments).joined(separator: ".")
                locator.record(key: path, .init(key: start, value: valueStart, stringContent: content, isLiteralString: literal))
                skipValue(into: &locator)
            }
        }
    }

    /// Where a table header's key fails to start as toml++ expects after `[`/`[[` and spaces: a bare-key
    /// character, a quote, `]` (an empty key, which it reports) or the end; a lone `[` may also be followed by
    /// another (`[ [`, which it reports). Nil when the header is fine.
    func headerKeyProblem(isArray: Bool) -> SourceLocation? {
        var copy = self
        while let byte = copy.peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { copy.advance() }
        guard let byte = copy.peek() else { return nil }
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "]"):
            return nil
        case UInt8(ascii: "[") where !isArray:
            return nil
        default:
            return copy.here
        }
    }

    /// Reads a dotted key up to `terminator` (not consumed), unquoting quoted segments.
    mutating func readKeySegments(until terminator: UInt8) -> [String] {
        var segments: [String] = []
        var current: [UInt8] = []
        while let byte = peek(), byte != terminator, byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                advance()
                while let inner = peek(), inner != byte, inner != UInt8(ascii: "\n") {
                    if byte == UInt8(ascii: "\"") && inner == UInt8(ascii: "\\") { advance() }
                    current.append(peek() ?? 0)
                    advance()
                }
                advance()
            } else if byte == UInt8(ascii: ".") {
                segments.append(String(decoding: current, as: UTF8.self))
                current = []
                advance()
            } else {
                if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") { current.append(byte) }
                advance()
            }
        }
        segments.append(String(decoding: current, as: UTF8.self))
        return segments
    }

    mutating func resolve(_ segments: [String], isArrayTable: Bool) -> String {
        var resolved = ""
        for (position, segment) in segments.enumerated() {
            let prefix = resolved.isEmpty ? segment : resolved + "." + segment
            if position == segments.count - 1 && isArrayTable {
                let next = (arrayIndices[prefix] ?? -1) + 1
                arrayIndices[prefix] = next
                resolved = prefix + "[\(next)]"
            } else if let latest = arrayIndices[prefix] {
                resolved = prefix + "[\(latest)]"
            } else {
                resolved = prefix
            }
        }
        return resolved
    }

    /// Where a string value's content begins, without consuming anything.
    func stringContentStart() -> SourceLocation? {
        var copy = self
        if copy.starts(with: "'''") || copy.starts(with: "\"\"\"") {
            for _ in 0..<3 { copy.advance() }
            if copy.peek() == UInt8(ascii: "\r") && copy.peek(1) == UInt8(ascii: "\n") { copy.advance() }
            if copy.peek() == UInt8(ascii: "\n") { copy.advance() }
            return copy.here
        }
        if copy.peek() == UInt8(ascii: "\"") || copy.peek() == UInt8(ascii: "'") {
            copy.advance()
            return copy.here
        }
        return nil
    }

    /// Whether a date-time starts here with no digit after its `T` (`1989-05-27Tx`), which toml++ asserts on.
    func startsDateTimeWithoutTime() -> Bool {
        func digit(_ offset: Int) -> Bool { peek(offset).map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false }
        for offset in [0, 1, 2, 3, 5, 6, 8, 9] where !digit(offset) { return false }
        guard peek(4) == UInt8(ascii: "-"), peek(7) == UInt8(ascii: "-"),
              peek(10) == UInt8(ascii: "T") || peek(10) == UInt8(ascii: "t") else { return false }
        return !digit(11)
    }

    /// Consumes a value (which may span lines inside strings and brackets) and the rest of its line; refuses a
    /// date-time toml++ would abort on where a value starts (not where an inline table's key does).
    mutating func skipValue(into locator: inout TOMLLocator) {
        var depth = 0
        var containers: [UInt8] = []
        var valueStarts = true
        while let byte = peek() {
            if valueStarts, byte != UInt8(ascii: " "), byte != UInt8(ascii: "\t"), byte != UInt8(ascii: "\r"),
               byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "#") {
                if startsDateTimeWithoutTime() { locator.refuse(at: here, "expected a time after the date's 'T'") }
                if byte == UInt8(ascii: "}"), containers.last == UInt8(ascii: "[") {
                    locator.refuse(at: here, "expected a value or ']' in the array, saw '}'")
                }
                valueStarts = byte == UInt8(ascii: "[")
            }
            switch byte {
            case UInt8(ascii: "["), UInt8(ascii: "{"): containers.append(byte)
            case UInt8(ascii: "]"), UInt8(ascii: "}"): _ = containers.popLast()
            case UInt8(ascii: "="): valueStarts = true
            case UInt8(ascii: ","): valueStarts = containers.last == UInt8(ascii: "[")
            default: break
            }
            if starts(with: "'''") {
                skipDelimited(by: "'''", escapes: false)
            } else if starts(with: "\"\"\"") {
                skipDelimited(by: "\"\"\"", escapes: true)
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                advance()
                while let inner = peek(), inner != byte, inner != UInt8(ascii: "\n") {
                    if byte == UInt8(ascii: "\"") && inner == UInt8(ascii: "\\") { advance() }
                    advance()
                }
                advance()
            } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                depth += 1
                advance()
            } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                depth -= 1
                advance()
            } else if byte == UInt8(ascii: "#") {
                while let inner = peek(), inner != UInt8(ascii: "\n") { advance() }
            } else if byte == UInt8(ascii: "\n") {
                advance()
                if depth <= 0 { return }
            } else {
                advance()
            }
        }
    }

    mutating func skipDelimited(by delimiter: StaticString, escapes: Bool) {
        for _ in 0..<3 { advance() }
        while !atEnd {
            if escapes && peek() == UInt8(ascii: "\\") {
                advance()
                advance()
                continue
            }
            if starts(with: delimiter) {
                for _ in 0..<3 { advance() }
                // A closing delimiter may be followed by up to two more quote characters that belong to the content.
                while let byte = peek(), byte == delimiter.utf8Start[0] { advance() }
                return
            }
            advance()
        }
    }
}
