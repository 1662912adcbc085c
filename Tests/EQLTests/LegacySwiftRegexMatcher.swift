// The Swift Regex translation that `RegexMatcher` replaced (backtracking), kept in the test target only
// as the baseline of `RegexThroughputTests`. Not a reference for semantics: `RegexDifferentialTests` has one.

/// Old matcher: Lucene syntax translated to Swift Regex, matched with `wholeMatch` (backtracking).
struct LegacySwiftRegexMatcher: @unchecked Sendable {
    private let regex: Regex<AnyRegexOutput>

    init(lucene pattern: String, caseInsensitive: Bool) throws {
        var translator = LegacyLuceneTranslator(pattern)
        var regex = try Regex(try translator.translate())
        regex = regex.dotMatchesNewlines().matchingSemantics(.unicodeScalar)
        if caseInsensitive { regex = regex.ignoresCase() }
        _ = try regex.wholeMatch(in: "")
        self.regex = regex
    }

    func matches(_ s: String) -> Bool {
        (try? regex.wholeMatch(in: s)) != nil
    }
}

struct LegacyRegexError: Error {
    var message: String
}

struct LegacyLuceneTranslator {
    let chars: [Character]
    var i = 0
    var out = ""

    init(_ pattern: String) { chars = Array(pattern) }

    mutating func translate() throws(LegacyRegexError) -> String {
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
                throw LegacyRegexError(message: "regex operator \"\(c)\" (complement/intersection) is not supported; "
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

    mutating func escape(inClass: Bool) throws(LegacyRegexError) {
        guard i < chars.count else { throw LegacyRegexError(message: "regex ends with a lone backslash") }
        let c = chars[i]
        i += 1
        if "dDsSwW".contains(c) {
            out += "\\" + String(c)
        } else {
            appendLiteral(c)
        }
    }

    mutating func characterClass() throws(LegacyRegexError) {
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
        throw LegacyRegexError(message: "unterminated character class \"[\" in regex")
    }

    mutating func quoted() throws(LegacyRegexError) {
        var literal = ""
        while i < chars.count, chars[i] != "\"" {
            literal.append(chars[i])
            i += 1
        }
        guard i < chars.count else { throw LegacyRegexError(message: "unterminated \"…\" in regex") }
        i += 1
        out += "(?:"
        for c in literal { appendLiteral(c) }
        out += ")"
    }

    /// `{n}`, `{n,}`, `{n,m}`: copied verbatim once checked.
    mutating func repetition() throws(LegacyRegexError) {
        var body = ""
        while i < chars.count, chars[i] != "}" {
            body.append(chars[i])
            i += 1
        }
        let bounds = body.split(separator: ",", omittingEmptySubsequences: false)
        guard i < chars.count, (1...2).contains(bounds.count), Int(bounds[0]) != nil,
            bounds.count == 1 || bounds[1].isEmpty || Int(bounds[1]) != nil
        else { throw LegacyRegexError(message: "invalid repetition {\(body)} in regex") }
        i += 1
        out += "{" + body + "}"
    }

    /// `<lo-hi>`: an integer in the range, leading zeros allowed (Lucene interval).
    mutating func numericRange() throws(LegacyRegexError) {
        var body = ""
        while i < chars.count, chars[i] != ">" {
            body.append(chars[i])
            i += 1
        }
        guard i < chars.count else { throw LegacyRegexError(message: "unterminated <…> interval in regex") }
        i += 1
        let parts = body.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let lo = Int(parts[0]), let hi = Int(parts[1]), lo <= hi, hi - lo <= 10_000 else {
            throw LegacyRegexError(message: "unsupported interval <\(body)> in regex")
        }
        out += "0*(?:" + (lo...hi).reversed().map(String.init).joined(separator: "|") + ")"
    }
}
