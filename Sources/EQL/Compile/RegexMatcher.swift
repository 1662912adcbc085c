// `regex` / `regex~` use Lucene RegExp syntax, always anchored to the whole value. We translate
// the pattern once into Swift Regex syntax and match with `wholeMatch`.
//
// Lucene differences handled: `^`/`$` are literal; `\c` escapes any character (plus the
// predefined classes \d \s \w \D \S \W); `"…"` quotes a literal string; `.` matches any
// character including newlines; `@` is any string; `#` is the empty language; `<a-b>` is a
// numeric range. Complement `~` and intersection `&` have no backtracking equivalent and are rejected.

struct RegexMatcher: @unchecked Sendable {  // Regex is an immutable value; safe to share.
    private let regex: Regex<AnyRegexOutput>

    /// Compiles a Lucene pattern; the error message says what is wrong.
    init(lucene pattern: String, caseInsensitive: Bool) throws(RegexSyntaxError) {
        var translator = LuceneRegexTranslator(pattern)
        let translated = try translator.translate()
        do {
            var regex = try Regex(translated)
            // Lucene works on code points: "e\u{301}" is two characters to it, not one grapheme.
            regex = regex.dotMatchesNewlines().matchingSemantics(.unicodeScalar)
            if caseInsensitive { regex = regex.ignoresCase() }
            // Regex lowers its program lazily on first use; do it now, once, on this thread.
            _ = try regex.wholeMatch(in: "")
            self.regex = regex
        } catch {
            throw RegexSyntaxError(message: "invalid regular expression \"\(pattern)\": \(error)")
        }
    }

    func matches(_ s: String) -> Bool {
        (try? regex.wholeMatch(in: s)) != nil
    }
}

struct RegexSyntaxError: Error {
    var message: String
}

private struct LuceneRegexTranslator {
    let chars: [Character]
    var i = 0
    var out = ""

    init(_ pattern: String) { chars = Array(pattern) }

    mutating func translate() throws(RegexSyntaxError) -> String {
        while i < chars.count {
            let c = chars[i]
            i += 1
            switch c {
            case "\\": try escape(inClass: false)
            case "[": try characterClass()
            case "\"": try quoted()
            case "@": out += "(?:.*)"
            case "#": out += "(?!)"
            case "<": try numericRange()
            case "~", "&":
                throw RegexSyntaxError(message: "regex operator \"\(c)\" (complement/intersection) is not supported; "
                                       + "escape it as \\\(c) to match it literally")
            case "^", "$", "/", " ":
                out += "\\" + String(c)
            case "{":
                try repetition()
            case ".", "(", ")", "|", "*", "+", "?":
                out.append(c)
            default:
                appendLiteral(c)
            }
        }
        return out
    }

    mutating func appendLiteral(_ c: Character) {
        if c.isLetter || c.isNumber || c == "_" || !c.isASCII {
            out.append(c)
        } else {
            out += "\\" + String(c)
        }
    }

    mutating func escape(inClass: Bool) throws(RegexSyntaxError) {
        guard i < chars.count else { throw RegexSyntaxError(message: "regex ends with a lone backslash") }
        let c = chars[i]
        i += 1
        if "dDsSwW".contains(c) {
            out += "\\" + String(c)
        } else {
            appendLiteral(c)
        }
    }

    mutating func characterClass() throws(RegexSyntaxError) {
        out += "["
        if i < chars.count, chars[i] == "^" {
            out += "^"
            i += 1
        }
        var first = true
        while i < chars.count {
            let c = chars[i]
            i += 1
            switch c {
            case "]" where !first:
                out += "]"
                return
            case "\\":
                try escape(inClass: true)
            case "-" where !first && i < chars.count && chars[i] != "]":
                out += "-"
            default:
                appendLiteral(c)
            }
            first = false
        }
        throw RegexSyntaxError(message: "unterminated character class \"[\" in regex")
    }

    mutating func quoted() throws(RegexSyntaxError) {
        var literal = ""
        while i < chars.count, chars[i] != "\"" {
            literal.append(chars[i])
            i += 1
        }
        guard i < chars.count else { throw RegexSyntaxError(message: "unterminated \"…\" in regex") }
        i += 1
        out += "(?:"
        for c in literal { appendLiteral(c) }
        out += ")"
    }

    /// `{n}`, `{n,}`, `{n,m}`: copied verbatim once checked.
    mutating func repetition() throws(RegexSyntaxError) {
        var body = ""
        while i < chars.count, chars[i] != "}" {
            body.append(chars[i])
            i += 1
        }
        let bounds = body.split(separator: ",", omittingEmptySubsequences: false)
        guard i < chars.count, (1...2).contains(bounds.count), Int(bounds[0]) != nil,
            bounds.count == 1 || bounds[1].isEmpty || Int(bounds[1]) != nil
        else { throw RegexSyntaxError(message: "invalid repetition {\(body)} in regex") }
        i += 1
        out += "{" + body + "}"
    }

    /// `<lo-hi>`: an integer in the range, leading zeros allowed (Lucene interval).
    mutating func numericRange() throws(RegexSyntaxError) {
        var body = ""
        while i < chars.count, chars[i] != ">" {
            body.append(chars[i])
            i += 1
        }
        guard i < chars.count else { throw RegexSyntaxError(message: "unterminated <…> interval in regex") }
        i += 1
        let parts = body.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let lo = Int(parts[0]), let hi = Int(parts[1]), lo <= hi, hi - lo <= 10_000 else {
            throw RegexSyntaxError(message: "unsupported interval <\(body)> in regex")
        }
        out += "0*(?:" + (lo...hi).reversed().map(String.init).joined(separator: "|") + ")"
    }
}
