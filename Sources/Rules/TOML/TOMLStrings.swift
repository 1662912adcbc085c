/// The four TOML string forms, read from the cursor: basic `"…"` (with escapes), literal `'…'`, and their multi-line
/// `"""…"""` / `'''…'''` forms (a newline right after the opening delimiter is dropped, CR LF inside reads as LF;
/// a basic one's line-ending backslash drops the newline and the blanks and newlines after it).
extension TOMLCursor {
    /// Whether a multi-line string starts here.
    var atMultilineString: Bool { starts(with: "\"\"\"") || starts(with: "'''") }

    /// Reads the string that starts here (`"` or `'`), in any of the four forms unless `multiline` is false (keys).
    mutating func readString(multiline: Bool = true) throws(TOMLSyntaxError) -> String {
        let quote = bytes[index]
        if multiline && atMultilineString { return try readMultilineString(quote: quote) }
        let start = here()
        index += 1
        var content: [UInt8] = []
        var runStart = index
        while true {
            index = endOfPlainRun(quote: quote)
            guard index < bytes.count else {
                throw TOMLSyntaxError(location: start, message: "unterminated string")
            }
            let byte = bytes[index]
            if byte == quote {
                let text = finish(&content, run: runStart..<index)
                index += 1
                return text
            }
            if byte == 0x0A || (byte == 0x0D && peek(1) == 0x0A) {
                throw TOMLSyntaxError(location: start, message: "unterminated string (a newline before its closing quote)")
            }
            if TOMLCursor.isControl(byte) { throw error("control character \(TOMLCursor.shown(byte)) in a string") }
            if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                content.append(contentsOf: bytes[runStart..<index])
                try readEscape(into: &content)
                runStart = index
            } else {
                index += 1
            }
        }
    }

    private mutating func readMultilineString(quote: UInt8) throws(TOMLSyntaxError) -> String {
        let start = here()
        index += 3
        _ = skipNewline()
        var content: [UInt8] = []
        var runStart = index
        while true {
            index = endOfPlainRun(quote: quote)
            guard index < bytes.count else {
                throw TOMLSyntaxError(location: start, message: "unterminated multi-line string")
            }
            let byte = bytes[index]
            if byte == quote, peek(1) == quote, peek(2) == quote {
                // Up to two more quotes before the closing three belong to the content.
                var run = 3
                while peek(run) == quote { run += 1 }
                if run > 5 { skip(5); throw error("too many quotes at the end of a multi-line string") }
                let text = finish(&content, run: runStart..<(index + run - 3))
                index += run
                return text
            }
            if byte == 0x0A {
                skipLineFeed()
            } else if byte == 0x0D && peek(1) == 0x0A {
                // CR LF becomes LF, as toml++ made it: the value does not depend on how the file was saved.
                content.append(contentsOf: bytes[runStart..<index])
                content.append(0x0A)
                index += 1
                skipLineFeed()
                runStart = index
            } else if TOMLCursor.isControl(byte) {
                throw error("control character \(TOMLCursor.shown(byte)) in a string")
            } else if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                content.append(contentsOf: bytes[runStart..<index])
                if try !skipLineEndingBackslash() { try readEscape(into: &content) }
                runStart = index
            } else {
                index += 1
            }
        }
    }

    /// The string read: the content gathered before the last run (escapes decoded, newlines normalized), then that
    /// run. Most strings have nothing before it and are decoded straight from the source bytes.
    private func finish(_ content: inout [UInt8], run: Range<Int>) -> String {
        if content.isEmpty { return String(decoding: bytes[run], as: UTF8.self) }
        content.append(contentsOf: bytes[run])
        return String(decoding: content, as: UTF8.self)
    }

    /// Where the run of bytes that need no attention in a string starts at `index` ends: at the quote, a backslash, a
    /// control character (tab included, which the caller lets through) or the end. The bulk of a rule file is such
    /// runs (queries, notes), so this loop is kept tight.
    private func endOfPlainRun(quote: UInt8) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var offset = index
            while offset < buffer.count {
                let byte = buffer[offset]
                if byte < 0x20 || byte == quote || byte == UInt8(ascii: "\\") || byte == 0x7F { break }
                offset += 1
            }
            return offset
        }
    }

    /// A backslash followed by blanks and a newline: consumes it and every blank and newline after it.
    private mutating func skipLineEndingBackslash() throws(TOMLSyntaxError) -> Bool {
        var offset = 1
        while let byte = peek(offset), byte == 0x20 || byte == 0x09 { offset += 1 }
        guard peek(offset) == 0x0A || (peek(offset) == 0x0D && peek(offset + 1) == 0x0A) else { return false }
        index += offset
        while true {
            skipBlanks()
            if !skipNewline() { return true }
        }
    }

    /// An escape sequence at a backslash, appended as UTF-8.
    private mutating func readEscape(into content: inout [UInt8]) throws(TOMLSyntaxError) {
        guard let letter = peek(1) else { throw error("unterminated escape sequence") }
        let simple: UInt8?
        switch letter {
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "u"), UInt8(ascii: "U"): simple = nil
        default: throw error("invalid escape sequence \\\(describeNextAfterBackslash())")
        }
        if let simple {
            content.append(simple)
            index += 2
            return
        }
        let digits = letter == UInt8(ascii: "u") ? 4 : 8
        var scalarValue: UInt32 = 0
        for offset in 0..<digits {
            guard let byte = peek(2 + offset), let digit = TOMLCursor.hexDigit(byte) else {
                throw error("\\\(Character(Unicode.Scalar(letter))) needs \(digits) hexadecimal digits")
            }
            scalarValue = scalarValue << 4 | UInt32(digit)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else {
            throw error("\\\(Character(Unicode.Scalar(letter))) escape is not a Unicode scalar value")
        }
        content.append(contentsOf: String(Character(scalar)).utf8)
        index += 2 + digits
    }

    private func describeNextAfterBackslash() -> String {
        var copy = self
        copy.skip()
        let next = copy.describeNext()
        return next.hasPrefix("'") ? String(next.dropFirst().dropLast()) : " followed by \(next)"
    }

    static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
