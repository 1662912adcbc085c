import TOMLKit

/// TOML text → TOMLKit's table and the key locator, or a located syntax error: the one way rule files and the
/// configuration are parsed.
enum TOMLText {
    struct SyntaxError: Error {
        var location: SourceLocation
        var message: String
    }

    static func parse(_ text: String) -> Result<(root: TOMLTable, locator: TOMLLocator), SyntaxError> {
        // The locator scans first: toml++ aborts the process (an assertion where it should report an error) on a
        // table header such as `[!]` and on a date-time such as `1989-05-27Tx:`, so those never reach it.
        let locator = TOMLLocator(text: text)
        if let refusal = locator.refusal {
            return .failure(SyntaxError(location: refusal.location, message: refusal.message))
        }
        do {
            return .success((try TOMLTable(string: text), locator))
        } catch let error as TOMLParseError {
            let location = SourceLocation(line: max(error.source.begin.line, 1), column: max(error.source.begin.column, 1))
            return .failure(SyntaxError(location: location, message: error.description))
        } catch {
            return .failure(SyntaxError(location: SourceLocation(line: 1, column: 1), message: "\(error)"))
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
