/// A position in a text, 1-based like compilers and TOML parsers report it: in an EQL query here, in a rule or
/// configuration file in the loader's diagnostics (`SourceLocation` there).
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// One lexical token of an EQL query.
struct Token: Equatable {
    enum Kind: Equatable {
        /// A plain (possibly dotted) name: `process.name`, `where`, `maxspan`. Keywords are names too;
        /// the parser decides by context, so a field may be called `sequence` only with backticks.
        case name(String)
        /// A name written immediately followed by `~`: `startsWith~`, `like~`, `in~`, `regex~`.
        case tildeName(String)
        /// `` `odd-field name` ``
        case quotedName(String)
        case string(String)
        case integer(Int64)
        case decimal(Double)
        /// Punctuation and operators: `==`, `!=`, `<`, `<=`, `>`, `>=`, `:`, `+`, `-`, `*`, `/`, `%`,
        /// `(`, `)`, `[`, `]`, `,`, `|`, `?`, `!`, `=`.
        case symbol(String)
        case end
    }
    var kind: Kind
    var position: SourcePosition

    /// The token as a rule author would quote it in an error message.
    var display: String {
        switch kind {
        case .name(let s): return "\"\(s)\""
        case .tildeName(let s): return "\"\(s)~\""
        case .quotedName(let s): return "`\(s)`"
        case .string(let s): return "string \"\(s)\""
        case .integer(let i): return "number \(i)"
        case .decimal(let d): return "number \(d)"
        case .symbol(let s): return "\"\(s)\""
        case .end: return "end of query"
        }
    }
}

/// Splits query text into tokens; strips `//` and `/* */` comments; decodes string escapes.
struct Lexer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    /// Column of `bytes[index]`, counting characters (not bytes) so multi-byte text does not skew errors.
    private var column = 1

    /// `==`, `!=`, `<=`, `>=` by their first byte.
    private static let comparisonPrefixes: [UInt8: String] =
        Dictionary(uniqueKeysWithValues: ["==", "!=", "<=", ">="].map { ($0.utf8.first!, $0) })
    private static let singleSymbols: [UInt8: String] =
        Dictionary(uniqueKeysWithValues: "<>:+-*/%()[],|?!=~".utf8.map { ($0, String(UnicodeScalar($0))) })

    init(_ text: String) {
        self.bytes = Array(text.utf8)
    }

    static func tokenize(_ text: String) throws(EQLError) -> [Token] {
        var lexer = Lexer(text)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var position: SourcePosition { SourcePosition(line: line, column: column) }

    private func error(_ message: String, at position: SourcePosition? = nil) -> EQLError {
        let p = position ?? self.position
        return EQLError(line: p.line, column: p.column, message: message)
    }

    private func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func advance() {
        let c = bytes[index]
        if c == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if c & 0xC0 != 0x80 {
            column += 1  // counted on the first byte of each character
        }
        index += 1
    }

    /// Skips whitespace and comments.
    private mutating func skipTrivia() throws(EQLError) {
        while let c = peek() {
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                advance()
            } else if c == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "/") {
                while let d = peek(), d != 0x0A { advance() }
            } else if c == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
                let open = position
                advance(); advance()
                while true {
                    guard let d = peek() else { throw error("unterminated /* comment", at: open) }
                    if d == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") { advance(); advance(); break }
                    advance()
                }
            } else {
                break
            }
        }
    }

    mutating func next() throws(EQLError) -> Token {
        try skipTrivia()
        let start = position
        func token(_ kind: Token.Kind) -> Token { Token(kind: kind, position: start) }
        guard let c = peek() else { return token(.end) }

        if isNameStart(c) {
            let name = scanWhile(isNameByte)
            if peek() == UInt8(ascii: "~") {
                advance()
                return token(.tildeName(name))
            }
            return token(.name(name))
        }
        if isDigit(c) { return token(try scanNumber(start)) }
        switch c {
        case UInt8(ascii: "\""):
            return token(.string(try scanString(start)))
        case UInt8(ascii: "'"):
            throw error("single-quoted strings are not supported; use double quotes \"…\"")
        case UInt8(ascii: "`"):
            return token(.quotedName(try scanBacktick(start)))
        default:
            break
        }
        if peek(1) == UInt8(ascii: "="), let first = Lexer.comparisonPrefixes[c] {
            advance(); advance()
            return token(.symbol(first))
        }
        if let symbol = Lexer.singleSymbols[c] {
            advance()
            return token(.symbol(symbol))
        }
        let rest = String(decoding: bytes[index..<min(index + 4, bytes.count)], as: UTF8.self)
        let scalar = rest.unicodeScalars.first.map { String($0) } ?? "?"
        throw error("unexpected character \"\(scalar)\"")
    }

    private func isNameStart(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_") || c == UInt8(ascii: "@")
    }

    private func isNameByte(_ c: UInt8) -> Bool {
        isNameStart(c) || isDigit(c) || c == UInt8(ascii: ".")
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    private mutating func scanWhile(_ predicate: (UInt8) -> Bool) -> String {
        let start = index
        while let c = peek(), predicate(c) { advance() }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func scanNumber(_ start: SourcePosition) throws(EQLError) -> Token.Kind {
        var digits = scanWhile(isDigit)
        var isDecimal = false
        if peek() == UInt8(ascii: "."), let d = peek(1), isDigit(d) {
            advance()
            digits += "." + scanWhile(isDigit)
            isDecimal = true
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var offset = 1
            if let s = peek(1), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { offset = 2 }
            if let d = peek(offset), isDigit(d) {
                for _ in 0..<offset { advance() }
                digits += "e" + (offset == 2 ? String(UnicodeScalar(bytes[index - 1])) : "") + scanWhile(isDigit)
                isDecimal = true
            }
        }
        if isDecimal {
            guard let value = Double(digits) else { throw error("invalid number \(digits)", at: start) }
            return .decimal(value)
        }
        guard let value = Int64(digits) else { throw error("number \(digits) is too large", at: start) }
        return .integer(value)
    }

    /// `"…"` with escapes, or `"""…"""` raw.
    private mutating func scanString(_ start: SourcePosition) throws(EQLError) -> String {
        if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
            advance(); advance(); advance()
            let contentStart = index
            while true {
                guard peek() != nil else { throw error("unterminated \"\"\" string", at: start) }
                if peek() == UInt8(ascii: "\""), peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                    // A raw string may end with quotes: `""""a""""` is not valid ES, but `"""a""""` ends at the last three.
                    while peek(3) == UInt8(ascii: "\"") { advance() }
                    let content = String(decoding: bytes[contentStart..<index], as: UTF8.self)
                    advance(); advance(); advance()
                    return content
                }
                advance()
            }
        }
        advance()
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw error("unterminated string", at: start) }
            if c == UInt8(ascii: "\"") { advance(); break }
            if c == 0x0A { throw error("unterminated string (line break inside \"…\"; use \"\"\"…\"\"\" or \\n)", at: start) }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                advance()
                continue
            }
            let escapePosition = position
            advance()
            guard let e = peek() else { throw error("unterminated string", at: start) }
            advance()
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "'"): out.append(UInt8(ascii: "'"))
            case UInt8(ascii: "u"):
                guard peek() == UInt8(ascii: "{") else {
                    throw error("invalid unicode escape: expected \\u{hex}", at: escapePosition)
                }
                advance()
                let hex = scanWhile { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
                guard peek() == UInt8(ascii: "}"), (2...8).contains(hex.count), let code = UInt32(hex, radix: 16),
                    let scalar = UnicodeScalar(code)
                else { throw error("invalid unicode escape: expected \\u{2 to 8 hex digits}", at: escapePosition) }
                advance()
                out.append(contentsOf: Array(String(scalar).utf8))
            default:
                throw error("invalid escape sequence \\\(String(UnicodeScalar(e))) in string", at: escapePosition)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `` `name` `` where a doubled backtick stands for one.
    private mutating func scanBacktick(_ start: SourcePosition) throws(EQLError) -> String {
        advance()
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw error("unterminated `quoted` field name", at: start) }
            advance()
            if c == UInt8(ascii: "`") {
                if peek() == UInt8(ascii: "`") { advance(); out.append(c); continue }
                break
            }
            out.append(c)
        }
        if out.isEmpty { throw error("empty `` field name", at: start) }
        return String(decoding: out, as: UTF8.self)
    }
}
