// Deterministic automaton built once from the NFA by subset construction, breadth first, until a
// cap on expanded states, table size or construction work. States found but not expanded by then
// keep their NFA node sets: matching that reaches one continues by NFA simulation from there (still
// linear in the input). Small patterns, the corpus's included, are fully deterministic.

struct RegexDFA: Sendable {
    static let maxStates = 4_096
    /// 256 KB of transitions at most; the corpus's largest table has a few thousand entries.
    static let maxTableEntries = 1 << 16
    /// NFA nodes visited while building (closures, and the consume nodes each transition tests), summed and checked
    /// before every transition: bounds compile time and the frontier's size. The corpus's largest pattern needs
    /// 14,675; at 2,000,000 a hostile pattern cost ~20 M instructions to compile (and fuzzing ran at 40 inputs/s),
    /// at 100,000 regex construction still took 60 % of the EQL fuzzer's time.
    static let maxConstructionSteps = 60_000
    /// Budget steps charged per transition on top of the nodes it tests: building a state's key (sorting, hashing,
    /// one allocation) costs as much as visiting this many nodes, and a pattern with many classes but few live
    /// nodes per state must not expand thousands of states for free.
    static let stepsPerTransition = 16

    /// State 0 is dead: no input takes it anywhere else.
    static let dead: UInt32 = 0

    let classCount: Int
    let start: UInt32
    /// States below this have a transition row; the others are in `frontier`.
    let expanded: Int
    /// `transitions[state * classCount + class]` for expanded states.
    let transitions: [UInt32]
    /// For every known state.
    let accepting: [Bool]
    /// Per state: `.open`, `.unexpanded`, or the verdict whatever input follows (dead; accepting with
    /// every class looping back, as after a trailing `.*`), so matching can stop early.
    let outcome: [Outcome]
    /// NFA consume nodes of the unexpanded states (`state - expanded`).
    let frontier: [[Int32]]

    enum Outcome: UInt8, Sendable {
        case open, neverMatches, alwaysMatches, unexpanded
    }

    /// NFA nodes visited while building (at most ``maxConstructionSteps`` plus one transition's worth).
    let constructionSteps: Int

    /// Whether every reachable state is expanded (no NFA simulation at match time).
    var isComplete: Bool { frontier.isEmpty }

    init(_ nfa: RegexNFA, maxStates: Int = Self.maxStates) {
        let classCount = nfa.alphabet.count
        var simulation = NFASimulation(nfa)
        // A state's key: its sorted consume nodes, then -1 when it accepts. Written into a reused buffer, so
        // a transition to a known state allocates nothing (under ASan, allocation dominated construction).
        func key(_ s: NFASimulation, into buffer: inout [Int32]) {
            buffer.removeAll(keepingCapacity: true)
            for node in s.current { buffer.append(node) }
            buffer.sort()
            if s.accepting { buffer.append(-1) }
        }
        func key(_ s: NFASimulation) -> [Int32] {
            var nodes: [Int32] = []
            key(s, into: &nodes)
            return nodes
        }
        var target: [Int32] = []
        func nodes(_ key: [Int32]) -> [Int32] { key.last == -1 ? Array(key.dropLast()) : key }
        var keys: [[Int32]] = [[]]
        var index: [[Int32]: UInt32] = [[]: Self.dead]
        var accepting: [Bool] = [false]
        let startKey = key(simulation)
        if startKey != [] {
            keys.append(startKey)
            index[startKey] = 1
            accepting.append(simulation.accepting)
        }
        var transitions: [UInt32] = []
        var state = 0
        // Consume nodes tested by `advance`, which the simulation's closure steps leave out: with many live nodes
        // (`.*` before a long run of wildcards) they dominate, and uncounted they let construction run past the budget.
        var tested = 0
        var steps: Int { simulation.steps + tested }
        construction: while state < keys.count, state < max(maxStates, 1),
            (state + 1) * classCount <= Self.maxTableEntries, state == 0 || steps <= Self.maxConstructionSteps {
            let from = nodes(keys[state])
            for cls in 0..<classCount {
                // One state can cost classes × nodes steps: the budget is checked per class, and a state cut short
                // is dropped (left unexpanded, for NFA simulation), so the table only holds whole states.
                if state > 0, steps > Self.maxConstructionSteps {
                    transitions.removeLast(cls)
                    break construction
                }
                tested += from.count + Self.stepsPerTransition
                simulation.advance(from: from, class: cls)
                key(simulation, into: &target)
                if let known = index[target] {
                    transitions.append(known)
                } else {
                    let id = UInt32(keys.count)
                    keys.append(target)
                    index[target] = id
                    accepting.append(simulation.accepting)
                    transitions.append(id)
                }
            }
            state += 1
        }
        let expanded = state
        constructionSteps = steps
        self.classCount = classCount
        self.start = startKey == [] ? Self.dead : 1
        self.expanded = expanded
        self.transitions = transitions
        self.accepting = accepting
        frontier = keys[expanded...].map(nodes)
        outcome = accepting.indices.map { s in
            guard s < expanded else { return .unexpanded }
            guard (0..<classCount).allSatisfy({ transitions[s * classCount + $0] == UInt32(s) }) else { return .open }
            return accepting[s] ? .alwaysMatches : .neverMatches
        }
    }
}
