// Lucene RegExp syntax → `RegexNode`. The grammar follows Lucene's recursive-descent parser:
//
//   union  := concat ('|' concat)*            concat := repeat+ (up to ')' or '|')
//   repeat := atom ('?' | '*' | '+' | '{n}' | '{n,}' | '{n,m}')*
//   atom   := '[' '^'? item+ ']' | '.' | '#' | '@' | '"' text '"' | '(' ')' | '(' union ')'
//           | '<' n '-' m '>' | '\' c | c
//
// Quirks kept from Lucene: any character without a meaning in operand position is literal (a leading
// `*`, `]`, `{`, `^`, `$`); `\` escapes any character, and `\d \s \w \D \S \W` are ASCII classes (also
// inside brackets); the first item of a bracket may be `]`; `<1-10>` admits leading zeros, `<01-10>` is
// fixed-width. Complement `~` and intersection `&` are rejected. Case-insensitive patterns are folded
// here (literals lowercased, brackets closed under lowercase before `^` negates them).

/// A parsed Lucene regular expression, matching whole values.
indirect enum RegexNode: Equatable, Sendable {
    /// The empty string.
    case empty
    /// The empty language (`#`): matches nothing.
    case nothing
    /// One scalar from the set.
    case scalars(ScalarSet)
    case concat([RegexNode])
    case alternation([RegexNode])
    /// `max == nil` is unbounded.
    case repetition(RegexNode, min: Int, max: Int?)
}

/// A pattern that cannot be compiled; the message says what is wrong and where.
struct RegexSyntaxError: Error, Equatable {
    var message: String
}

/// Parses one pattern (Unicode scalars, positions counted in scalars from 0).
struct LuceneRegexParser {
    private let pattern: String
    private let scalars: [UInt32]
    private let caseInsensitive: Bool
    private var position = 0

    /// Repetition counts above this are rejected outright (the automaton cap would reject them anyway).
    static let maxRepetitionCount = 100_000
    /// Groups inside groups, and quantifiers on quantifiers (`a?????`), nest the tree; deeper ones
    /// are rejected so that parsing and compiling, which recurse, stay within any thread's stack.
    static let maxNesting = 100
    private var depth = 0

    init(_ pattern: String, caseInsensitive: Bool) {
        self.pattern = pattern
        self.scalars = pattern.unicodeScalars.map(\.value)
        self.caseInsensitive = caseInsensitive
    }

    mutating func parse() throws(RegexSyntaxError) -> RegexNode {
        if scalars.isEmpty { return .empty }
        let node = try union()
        if position < scalars.count { throw error("unexpected \")\" with no group open", at: position) }
        return node
    }

    func error(_ what: String, at offset: Int) -> RegexSyntaxError {
        Self.error(pattern, "\(what) at position \(offset)")
    }

    /// `invalid regular expression "…": what`, quoting at most 200 characters of the pattern.
    static func error(_ pattern: String, _ what: String) -> RegexSyntaxError {
        let quoted = pattern.unicodeScalars.count > 200 ? String(pattern.unicodeScalars.prefix(200)) + "…" : pattern
        return RegexSyntaxError(message: "invalid regular expression \"\(quoted)\": \(what)")
    }

    private func tooDeep(at offset: Int) -> RegexSyntaxError {
        error("groups and quantifiers nested more than \(Self.maxNesting) deep", at: offset)
    }

    // MARK: - Reading

    private var more: Bool { position < scalars.count }

    private func peek(_ c: Unicode.Scalar) -> Bool { more && scalars[position] == c.value }

    private mutating func match(_ c: Unicode.Scalar) -> Bool {
        guard peek(c) else { return false }
        position += 1
        return true
    }

    private mutating func next(_ context: String) throws(RegexSyntaxError) -> UInt32 {
        guard more else { throw error("pattern ends \(context)", at: position) }
        position += 1
        return scalars[position - 1]
    }

    // MARK: - Grammar

    private mutating func union() throws(RegexSyntaxError) -> RegexNode {
        var branches = [try concat()]
        while match("|") { branches.append(try concat()) }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func concat() throws(RegexSyntaxError) -> RegexNode {
        var parts = [try repeated()]
        while more, !peek(")"), !peek("|") { parts.append(try repeated()) }
        return parts.count == 1 ? parts[0] : .concat(parts)
    }

    private mutating func repeated() throws(RegexSyntaxError) -> RegexNode {
        var node = try atom()
        var stacked = 0
        while more {
            if peek("?") || peek("*") || peek("+") || peek("{") {
                stacked += 1
                if depth + stacked > Self.maxNesting { throw tooDeep(at: position) }
            }
            if match("?") {
                node = .repetition(node, min: 0, max: 1)
            } else if match("*") {
                node = .repetition(node, min: 0, max: nil)
            } else if match("+") {
                node = .repetition(node, min: 1, max: nil)
            } else if peek("{") {
                let start = position
                position += 1
                let min = try count(start)
                var max: Int? = min
                if match(",") { max = peekDigit ? try count(start) : nil }
                guard match("}") else { throw error("expected \"}\" to close the repetition opened", at: start) }
                if let max, max < min { throw error("repetition {\(min),\(max)} has its minimum above its maximum", at: start) }
                node = .repetition(node, min: min, max: max)
            } else if peek("&") {
                throw error("intersection \"&\" is not supported (escape it as \\& to match it literally)", at: position)
            } else {
                break
            }
        }
        return node
    }

    private var peekDigit: Bool { more && (0x30...0x39).contains(scalars[position]) }

    private mutating func count(_ braceAt: Int) throws(RegexSyntaxError) -> Int {
        guard peekDigit else { throw error("expected a number in the repetition", at: position) }
        var value = 0
        while peekDigit {
            value = value * 10 + Int(scalars[position] - 0x30)
            position += 1
            if value > Self.maxRepetitionCount {
                throw error("repetition count above \(Self.maxRepetitionCount)", at: braceAt)
            }
        }
        return value
    }

    private mutating func atom() throws(RegexSyntaxError) -> RegexNode {
        let start = position
        let c = try next("where an expression is expected")
        switch c {
        case 0x7E:  // ~
            throw error("complement \"~\" is not supported (escape it as \\~ to match it literally)", at: start)
        case 0x26:  // &
            throw error("intersection \"&\" is not supported (escape it as \\& to match it literally)", at: start)
        case 0x5B: return try bracket(start)  // [
        case 0x2E: return .scalars(.all)  // .
        case 0x23: return .nothing  // #
        case 0x40: return .repetition(.scalars(.all), min: 0, max: nil)  // @
        case 0x22:  // "
            var text: [RegexNode] = []
            while more, !peek("\"") { text.append(literal(scalars[position])); position += 1 }
            guard match("\"") else { throw error("unterminated quoted string opened", at: start) }
            return text.isEmpty ? .empty : .concat(text)
        case 0x28:  // (
            if match(")") { return .empty }
            depth += 1
            defer { depth -= 1 }
            if depth > Self.maxNesting { throw tooDeep(at: start) }
            let inner = try union()
            guard match(")") else { throw error("expected \")\" to close the group opened", at: start) }
            return inner
        case 0x3C: return try interval(start)  // <
        case 0x5C:  // backslash
            if let predefined = predefinedClass() { return .scalars(predefined) }
            return literal(try next("after a backslash"))
        default:
            return literal(c)
        }
    }

    /// After a consumed backslash: `\d` etc. as a set, else nil (the escaped character follows).
    private mutating func predefinedClass() -> ScalarSet? {
        guard more else { return nil }
        let set: ScalarSet
        switch scalars[position] {
        case 0x64: set = .digit  // d
        case 0x44: set = ScalarSet.digit.inverted()  // D
        case 0x73: set = .space  // s
        case 0x53: set = ScalarSet.space.inverted()  // S
        case 0x77: set = .word  // w
        case 0x57: set = ScalarSet.word.inverted()  // W
        default: return nil
        }
        position += 1
        return set
    }

    /// One literal scalar; its lowercase form when case-insensitive (possibly several scalars).
    private func literal(_ c: UInt32) -> RegexNode {
        guard caseInsensitive else { return .scalars(ScalarSet(c)) }
        let folded = CaseFold.lowercase(c)
        if folded.count == 1 { return .scalars(ScalarSet(folded[0])) }
        return .concat(folded.map { .scalars(ScalarSet($0)) })
    }

    /// `[…]` / `[^…]` after the `[`. The first item may be `]`; `a-z` is a range; `\` escapes.
    private mutating func bracket(_ start: Int) throws(RegexSyntaxError) -> RegexNode {
        let negated = match("^")
        var ranges: [ClosedRange<UInt32>] = []
        let unterminated = error("unterminated character class opened", at: start)
        repeat {
            let itemStart = position
            guard more else { throw unterminated }
            var from = scalars[position]
            position += 1
            if from == 0x5C {
                if let predefined = predefinedClass() {
                    ranges += predefined.ranges
                    continue
                }
                from = try next("after a backslash")
            }
            if match("-") {
                guard more else { throw unterminated }
                var to = scalars[position]
                position += 1
                if to == 0x5C { to = try next("after a backslash") }
                guard from <= to else { throw error("invalid range in character class: start is after end", at: itemStart) }
                ranges.append(from...to)
            } else {
                ranges.append(from...from)
            }
        } while more && !peek("]")
        guard match("]") else { throw unterminated }
        var set = ScalarSet(ranges: ranges)
        if caseInsensitive { set = set.addingLowercase() }
        return .scalars(negated ? set.inverted() : set)
    }

    /// `<min-max>` after the `<`: a decimal integer in the range (Lucene `makeDecimalInterval`).
    private mutating func interval(_ start: Int) throws(RegexSyntaxError) -> RegexNode {
        var body: [UInt32] = []
        while more, !peek(">") { body.append(scalars[position]); position += 1 }
        guard match(">") else { throw error("unterminated numeric interval opened", at: start) }
        let parts = body.split(separator: 0x2D, omittingEmptySubsequences: false)
        guard parts.count == 2, let low = Self.decimal(parts[0]), let high = Self.decimal(parts[1]) else {
            throw error("numeric interval must be <min-max> with decimal numbers", at: start)
        }
        // Equal-length bounds fix the width (`<01-10>`); otherwise any number of leading zeros.
        let width = parts[0].count == parts[1].count ? parts[0].count : 0
        return NumericInterval.node(min(low, high), max(low, high), width: width)
    }

    private static func decimal(_ digits: ArraySlice<UInt32>) -> UInt64? {
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return digits.reduce(0) { $0 * 10 + UInt64($1 - 0x30) }
    }
}

/// Decimal integer ranges as regex nodes over digit strings.
enum NumericInterval {
    static func node(_ low: UInt64, _ high: UInt64, width: Int) -> RegexNode {
        if width > 0 {
            return sameLength(digits(low, width: width), digits(high, width: width))
        }
        // By digit count, each without leading zeros, after any run of zeros.
        var branches: [RegexNode] = []
        let lowLength = String(low).count, highLength = String(high).count
        for length in lowLength...highLength {
            let floor = length == 1 ? 0 : power(length - 1)
            let ceiling = power(length) - 1
            let a = max(low, floor), b = min(high, ceiling)
            if a <= b { branches.append(sameLength(digits(a, width: length), digits(b, width: length))) }
        }
        let zeros = RegexNode.repetition(.scalars(ScalarSet(0x30)), min: 0, max: nil)
        return .concat([zeros, branches.count == 1 ? branches[0] : .alternation(branches)])
    }

    private static func power(_ n: Int) -> UInt64 { (0..<n).reduce(1) { r, _ in r * 10 } }

    private static func digits(_ value: UInt64, width: Int) -> [UInt32] {
        let text = String(value).unicodeScalars.map(\.value)
        return Array(repeating: 0x30, count: max(0, width - text.count)) + text
    }

    /// Digit strings of one length between `a` and `b` inclusive.
    private static func sameLength(_ a: [UInt32], _ b: [UInt32]) -> RegexNode {
        guard let first = a.first, let last = b.first else { return .empty }
        let restA = Array(a.dropFirst()), restB = Array(b.dropFirst())
        if first == last { return .concat([.scalars(ScalarSet(first)), sameLength(restA, restB)]) }
        let anyDigits = RegexNode.concat(restA.map { _ in .scalars(.digit) })
        var branches: [RegexNode] = [
            .concat([.scalars(ScalarSet(first)), sameLength(restA, restA.map { _ in 0x39 })]),
        ]
        if first + 1 < last { branches.append(.concat([.scalars(ScalarSet((first + 1)...(last - 1))), anyDigits])) }
        branches.append(.concat([.scalars(ScalarSet(last)), sameLength(restB.map { _ in 0x30 }, restB)]))
        return .alternation(branches)
    }
}
