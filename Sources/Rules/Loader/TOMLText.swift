/// TOML text → the document's root table and the key locator, or a located syntax error: the one way rule files
/// and the configuration are parsed.
enum TOMLText {
    static func parse(_ text: String) -> Result<(root: TOMLTable, locator: TOMLLocator), TOMLSyntaxError> {
        do {
            return .success(try TOMLParser.parse(text))
        } catch {
            return .failure(error)
        }
    }

    /// The table and a field reader for `file`, or the syntax error as the file's diagnostic: how the rule and
    /// configuration loaders start.
    static func read(_ text: String, file: String) -> Result<(root: TOMLTable, reader: TOMLFieldReader), Diagnostic> {
        switch parse(text) {
        case .success(let parsed): return .success((parsed.root, TOMLFieldReader(file: file, locator: parsed.locator)))
        case .failure(let error): return .failure(.error(file, error.location, "TOML syntax error: \(error.message)"))
        }
    }
}
