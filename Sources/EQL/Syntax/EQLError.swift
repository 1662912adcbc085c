/// A query the engine cannot run: a syntax error, a construct Elasticsearch rejects, or a
/// semantic error found while compiling. Positions are 1-based and count characters.
public struct EQLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    /// What was expected and what was found, e.g. `expected "]" but found "where"`.
    public var message: String

    init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line:column: message`
    public var description: String { "\(line):\(column): \(message)" }
}
