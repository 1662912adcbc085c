// `regex` / `regex~` use Lucene RegExp syntax, always anchored to the whole value (spec §4.2).
// The pattern is parsed (Regex/LuceneRegexParser), compiled to a Thompson NFA over scalar classes
// (Regex/RegexNFA) and, within size caps, to a DFA (Regex/RegexDFA). Matching never backtracks:
// one table lookup per input scalar with the DFA, one pass over the live NFA states without it.
// So a hostile pattern or value costs at most O(value length × pattern size).
//
// Input is read as UTF-8 bytes: ASCII bytes index a class table directly (case folded in the
// table for `regex~`); other scalars are decoded, lowercased for `regex~`, and classed by binary search.

/// One compiled Lucene regular expression. Immutable, safe to share between threads; a class, so a pattern list
/// hands out a matcher without retaining each of its automaton's arrays.
final class RegexMatcher: Sendable {
    private let nfa: RegexNFA
    private let dfa: RegexDFA
    private let caseInsensitive: Bool

    /// Compiles a Lucene pattern; the error message says what is wrong and where.
    convenience init(lucene pattern: String, caseInsensitive: Bool) throws(RegexSyntaxError) {
        try self.init(lucene: pattern, caseInsensitive: caseInsensitive, dfaStates: RegexDFA.maxStates)
    }

    /// `dfaStates` caps the states expanded ahead of time (tests lower it to exercise the hand-off).
    init(lucene pattern: String, caseInsensitive: Bool, dfaStates: Int) throws(RegexSyntaxError) {
        var parser = LuceneRegexParser(pattern, caseInsensitive: caseInsensitive)
        let root = try parser.parse()
        let tooLarge = LuceneRegexParser.error(pattern, "too large (the automaton is limited to \(RegexNFA.maxNodes) states "
                                               + "and \(ScalarClasses.maxMembershipBits) character-class entries)")
        nfa = try RegexNFA(root, caseInsensitive: caseInsensitive, tooLarge: tooLarge)
        dfa = RegexDFA(nfa, maxStates: dfaStates)
        self.caseInsensitive = caseInsensitive
    }

    /// Whether the whole of `s` matches.
    func matches(_ s: String) -> Bool {
        var text = s
        return text.withUTF8 { matches(utf8: $0) }
    }

    /// Whether the DFA covers every reachable state (false: some inputs continue by NFA simulation).
    var isDeterministic: Bool { dfa.isComplete }

    /// NFA nodes visited while the DFA was built (tests).
    var constructionSteps: Int { dfa.constructionSteps }

    /// NFA nodes: simulation visits at most this many per input scalar.
    var automatonSize: Int { nfa.nodes.count }

    /// Matches by NFA simulation alone, counting the NFA nodes visited (tests).
    func simulate(_ s: String) -> (matched: Bool, steps: Int) {
        var text = s
        var simulation = NFASimulation(nfa)
        let matched = text.withUTF8 { nfaMatches(&simulation, $0, from: 0) }
        return (matched, simulation.steps)
    }

    private enum DFARun {
        case verdict(Bool)
        /// Reached an unexpanded state before `resumeAt`, with `pending` scalars of a lowercase mapping left.
        case handOff(state: Int, resumeAt: Int, pending: [UInt32])
    }

    /// The DFA until the value ends or the verdict is certain; from an unexpanded state, NFA simulation.
    private func matches(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        switch runDFA(bytes) {
        case .verdict(let matched):
            return matched
        case .handOff(let state, let resumeAt, let pending):
            var simulation = NFASimulation(nfa)
            simulation.load(dfa.frontier[state - dfa.expanded], accepting: dfa.accepting[state])
            for v in pending { simulation.advance(class: nfa.alphabet.classOf(v)) }
            return nfaMatches(&simulation, bytes, from: resumeAt)
        }
    }

    private func runDFA(_ bytes: UnsafeBufferPointer<UInt8>) -> DFARun {
        let classCount = dfa.classCount
        return dfa.transitions.withUnsafeBufferPointer { table in
            nfa.alphabet.ascii.withUnsafeBufferPointer { ascii in
                dfa.outcome.withUnsafeBufferPointer { outcome in
                    var state = Int(dfa.start)
                    var i = 0
                    let end = bytes.count
                    while i < end {
                        switch outcome[state] {
                        case .open: break
                        case .neverMatches: return .verdict(false)
                        case .alwaysMatches: return .verdict(true)
                        case .unexpanded: return .handOff(state: state, resumeAt: i, pending: [])
                        }
                        let b = bytes[i]
                        if b < 0x80 {
                            state = Int(table[state &* classCount &+ Int(ascii[Int(b)])])
                            i &+= 1
                            continue
                        }
                        let (v, length) = Self.decode(bytes, at: i)
                        i &+= length
                        guard caseInsensitive, let scalar = Unicode.Scalar(v), scalar.properties.changesWhenLowercased else {
                            state = Int(table[state &* classCount &+ nfa.alphabet.classOf(high: v)])
                            continue
                        }
                        var pending: [UInt32] = []
                        for lower in scalar.properties.lowercaseMapping.unicodeScalars {
                            if pending.isEmpty, outcome[state] != .unexpanded {
                                state = Int(table[state &* classCount &+ nfa.alphabet.classOf(lower.value)])
                            } else {
                                pending.append(lower.value)
                            }
                        }
                        if !pending.isEmpty { return .handOff(state: state, resumeAt: i, pending: pending) }
                    }
                    return .verdict(dfa.accepting[state])
                }
            }
        }
    }

    private func nfaMatches(_ simulation: inout NFASimulation, _ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        var i = start
        while i < bytes.count {
            if simulation.isDead { return false }
            let b = bytes[i]
            if b < 0x80 {
                simulation.advance(class: Int(nfa.alphabet.ascii[Int(b)]))
                i += 1
                continue
            }
            let (scalar, length) = Self.decode(bytes, at: i)
            i += length
            forEachScalar(folding: scalar) { simulation.advance(class: nfa.alphabet.classOf($0)) }
        }
        return simulation.accepting
    }

    /// A non-ASCII scalar, or its lowercase mapping (one or more scalars) for `regex~`.
    @inline(__always) private func forEachScalar(folding v: UInt32, _ body: (UInt32) -> Void) {
        guard caseInsensitive, let scalar = Unicode.Scalar(v), scalar.properties.changesWhenLowercased else {
            return body(v)
        }
        for lower in scalar.properties.lowercaseMapping.unicodeScalars { body(lower.value) }
    }

    /// Decodes the non-ASCII scalar starting at `i` (Swift strings hold valid UTF-8).
    @inline(__always) private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let b0 = UInt32(bytes[i])
        if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F), 2) }
        if b0 < 0xF0 {
            return ((b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F), 3)
        }
        return ((b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12 | UInt32(bytes[i + 2] & 0x3F) << 6
                | UInt32(bytes[i + 3] & 0x3F), 4)
    }
}
