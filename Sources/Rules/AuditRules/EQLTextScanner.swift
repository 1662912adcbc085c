/// Just enough of an EQL lexer to find which event clauses a query has and which `event.action`,
/// `auditd.data.syscall` values they ask for. The real parser lives in the EQL module; this scan is deliberately
/// conservative (it may find more than a clause needs, never less) and is replaced once the compiled AST is fed in.
struct EQLToken: Equatable {
    enum Kind: Equatable {
        /// A field or keyword; `?` and backticks are stripped, so `?event.action` reads `event.action`.
        case word
        case string
        case number
        case symbol
    }

    var kind: Kind
    var text: String
}

enum EQLTextScanner {
    static func tokens(_ query: String) -> [EQLToken] {
        let bytes = Array(query.utf8)
        var tokens: [EQLToken] = []
        var index = 0
        func at(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                index += 1
            } else if byte == UInt8(ascii: "/") && at(1) == UInt8(ascii: "/") {
                while index < bytes.count && bytes[index] != UInt8(ascii: "\n") { index += 1 }
            } else if byte == UInt8(ascii: "/") && at(1) == UInt8(ascii: "*") {
                index += 2
                while index < bytes.count && !(bytes[index] == UInt8(ascii: "*") && at(1) == UInt8(ascii: "/")) { index += 1 }
                index = min(index + 2, bytes.count)
            } else if byte == UInt8(ascii: "\"") && at(1) == UInt8(ascii: "\"") && at(2) == UInt8(ascii: "\"") {
                let start = index + 3
                index = start
                while index < bytes.count && !(bytes[index] == UInt8(ascii: "\"") && at(1) == UInt8(ascii: "\"")
                                                && at(2) == UInt8(ascii: "\"")) { index += 1 }
                tokens.append(EQLToken(kind: .string, text: text(start..<min(index, bytes.count))))
                index = min(index + 3, bytes.count)
            } else if byte == UInt8(ascii: "\"") {
                index += 1
                var content: [UInt8] = []
                while index < bytes.count && bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\"), let next = at(1) {
                        // Keep escapes other than \" and \\ verbatim: action and syscall names never contain them.
                        if next != UInt8(ascii: "\"") && next != UInt8(ascii: "\\") { content.append(bytes[index]) }
                        content.append(next)
                        index += 2
                    } else {
                        content.append(bytes[index])
                        index += 1
                    }
                }
                index += 1
                tokens.append(EQLToken(kind: .string, text: String(decoding: content, as: UTF8.self)))
            } else if byte == UInt8(ascii: "`") {
                let start = index + 1
                index = start
                while index < bytes.count && bytes[index] != UInt8(ascii: "`") { index += 1 }
                tokens.append(EQLToken(kind: .word, text: text(start..<min(index, bytes.count))))
                index += 1
            } else if isWordByte(byte) || byte == UInt8(ascii: "?") && at(1).map(isWordByte) == true {
                if byte == UInt8(ascii: "?") { index += 1 }
                let start = index
                while index < bytes.count && (isWordByte(bytes[index]) || bytes[index] == UInt8(ascii: ".")) { index += 1 }
                let word = text(start..<index)
                let isNumber = word.first.map { $0.isNumber } ?? false
                tokens.append(EQLToken(kind: isNumber ? .number : .word, text: word))
                // `like~`, `in~`, `regex~` and the `fn~` forms keep their tilde.
                if index < bytes.count && bytes[index] == UInt8(ascii: "~") && !isNumber {
                    tokens[tokens.count - 1].text += "~"
                    index += 1
                }
            } else {
                let pair = at(1).map { _ in text(index..<index + 2) } ?? ""
                if ["==", "!=", "<=", ">="].contains(pair) {
                    tokens.append(EQLToken(kind: .symbol, text: pair))
                    index += 2
                } else {
                    tokens.append(EQLToken(kind: .symbol, text: text(index..<index + 1)))
                    index += 1
                }
            }
        }
        return tokens
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "@")
            || byte >= 0x80
    }
}
