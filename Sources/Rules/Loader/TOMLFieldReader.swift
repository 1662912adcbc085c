/// Typed access to a parsed TOML document that turns every missing key and wrong type into a located diagnostic,
/// so one pass over a file reports all of its problems instead of stopping at the first.
struct TOMLFieldReader {
    let file: String
    let locator: TOMLLocator
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String, locator: TOMLLocator) {
        self.file = file
        self.locator = locator
    }

    mutating func error(at path: String, _ message: String) {
        diagnostics.append(.error(file, locator.location(of: path), message))
    }

    mutating func warning(at path: String, _ message: String) {
        diagnostics.append(.warning(file, locator.location(of: path), message))
    }

    /// The raw value of `key`, reporting its absence when `required`.
    mutating func value(_ table: TOMLTable, _ key: String, in tablePath: String, required: Bool) -> TOMLValue? {
        if let value = table[key] { return value }
        if required {
            let shown = tablePath.isEmpty ? "the top level" : "[\(tablePath)]"
            error(at: tablePath, "missing required key '\(key)' in \(shown)")
        }
        return nil
    }

    mutating func string(_ table: TOMLTable, _ key: String, in tablePath: String, required: Bool = false) -> String? {
        guard let value = value(table, key, in: tablePath, required: required) else { return nil }
        guard let string = value.string else {
            typeMismatch(join(tablePath, key), expected: "a string", found: value)
            return nil
        }
        return string
    }

    mutating func int(_ table: TOMLTable, _ key: String, in tablePath: String, required: Bool = false) -> Int? {
        guard let value = value(table, key, in: tablePath, required: required) else { return nil }
        guard let int = value.int else {
            typeMismatch(join(tablePath, key), expected: "an integer", found: value)
            return nil
        }
        return int
    }

    mutating func bool(_ table: TOMLTable, _ key: String, in tablePath: String, required: Bool = false) -> Bool? {
        guard let value = value(table, key, in: tablePath, required: required) else { return nil }
        guard let bool = value.bool else {
            typeMismatch(join(tablePath, key), expected: "a boolean", found: value)
            return nil
        }
        return bool
    }

    /// An array of strings; a single string is an error too, because detection-rules always writes lists as arrays.
    mutating func strings(_ table: TOMLTable, _ key: String, in tablePath: String, required: Bool = false) -> [String]? {
        guard let value = value(table, key, in: tablePath, required: required) else { return nil }
        let path = join(tablePath, key)
        guard let array = value.array else {
            typeMismatch(path, expected: "an array of strings", found: value)
            return nil
        }
        var result: [String] = []
        for (position, element) in array.enumerated() {
            guard let string = element.string else {
                error(at: path, "'\(path)' must contain only strings, element \(position + 1) is \(element.typeWithArticle)")
                return nil
            }
            result.append(string)
        }
        return result
    }

    mutating func table(_ table: TOMLTable, _ key: String, in tablePath: String, required: Bool = false) -> TOMLTable? {
        guard let value = value(table, key, in: tablePath, required: required) else { return nil }
        guard let child = value.table else {
            typeMismatch(join(tablePath, key), expected: "a table", found: value)
            return nil
        }
        return child
    }

    /// The tables of an array of tables (`[[rule.threat]]`), with their resolved paths (`rule.threat[0]`).
    mutating func tables(_ table: TOMLTable, _ key: String, in tablePath: String) -> [(TOMLTable, String)] {
        guard let value = table[key] else { return [] }
        let path = join(tablePath, key)
        guard let array = value.array else {
            typeMismatch(path, expected: "an array of tables", found: value)
            return []
        }
        var result: [(TOMLTable, String)] = []
        for (position, element) in array.enumerated() {
            guard let child = element.table else {
                error(at: path, "'\(path)' must contain only tables, element \(position + 1) is \(element.typeWithArticle)")
                continue
            }
            result.append((child, "\(path)[\(position)]"))
        }
        return result
    }

    mutating func typeMismatch(_ path: String, expected: String, found: TOMLValue) {
        error(at: path, "'\(path)' must be \(expected), found \(found.typeWithArticle)")
    }

    func join(_ tablePath: String, _ key: String) -> String { tablePath.isEmpty ? key : tablePath + "." + key }
}
