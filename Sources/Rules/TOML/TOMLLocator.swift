/// Where the keys and table headers of a parsed TOML document sit, for diagnostics about their values ("missing
/// query", "risk_score must be an integer"). The parser fills it as it reads.
///
/// Paths use the document's shape with the index of each array element: `rule.threat[1].technique[0].id`,
/// `rule.exceptions_list[0].list_id`.
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

    /// Longer paths are not recorded: no loader asks for one, and building a long path for each of many keys would
    /// make a hostile file cost time quadratic in its size. (`location(of:)` then finds the nearest recorded parent.)
    static let maximumPathBytes = 256

    /// `path` when it is short enough to record.
    static func locatable(_ path: String) -> String? { path.utf8.count <= maximumPathBytes ? path : nil }

    private(set) var keys: [String: KeyPosition] = [:]
    private(set) var tables: [String: SourceLocation] = [:]

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

    mutating func record(key path: String, _ position: KeyPosition) {
        if keys[path] == nil { keys[path] = position }
    }

    mutating func record(table path: String, at location: SourceLocation) {
        if tables[path] == nil { tables[path] = location }
    }
}
