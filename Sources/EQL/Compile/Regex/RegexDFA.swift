// Deterministic automaton built once from the NFA by subset construction, within fixed caps on
// states, table size and construction work. When a pattern exceeds them, `init` returns nil and
// the matcher simulates the NFA instead (still linear in the input).

struct RegexDFA: Sendable {
    static let maxStates = 4_096
    static let maxTableEntries = 1 << 20
    /// NFA nodes visited while building, summed: bounds compile time.
    static let maxConstructionSteps = 4_000_000

    /// State 0 is dead: no input takes it anywhere else.
    static let dead: UInt32 = 0

    let classCount: Int
    let start: UInt32
    /// `transitions[state * classCount + class]`.
    let transitions: [UInt32]
    let accepting: [Bool]
    /// Per state: `.open`, or the verdict whatever input follows (dead; accepting with every class
    /// looping back, as after a trailing `.*`), so matching can stop early.
    let outcome: [Outcome]

    enum Outcome: UInt8, Sendable {
        case open, neverMatches, alwaysMatches
    }

    init?(_ nfa: RegexNFA) {
        let classCount = nfa.alphabet.count
        var simulation = NFASimulation(nfa)
        // A state's key: its sorted consume nodes, then -1 when it accepts.
        func key(_ s: NFASimulation) -> [Int32] {
            var nodes = s.current.sorted()
            if s.accepting { nodes.append(-1) }
            return nodes
        }
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
        while state < keys.count {
            let nodes = keys[state].last == -1 ? Array(keys[state].dropLast()) : keys[state]
            for cls in 0..<classCount {
                simulation.load(nodes, accepting: accepting[state])
                simulation.advance(class: cls)
                let target = key(simulation)
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
            guard keys.count <= Self.maxStates, keys.count * classCount <= Self.maxTableEntries,
                simulation.steps <= Self.maxConstructionSteps
            else { return nil }
            state += 1
        }
        self.classCount = classCount
        self.start = startKey == [] ? Self.dead : 1
        self.transitions = transitions
        self.accepting = accepting
        outcome = accepting.indices.map { s in
            guard (0..<classCount).allSatisfy({ transitions[s * classCount + $0] == UInt32(s) }) else { return .open }
            return accepting[s] ? .alwaysMatches : .neverMatches
        }
    }
}
