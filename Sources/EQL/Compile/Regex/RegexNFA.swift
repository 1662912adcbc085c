// Thompson NFA over scalar classes, and its simulation by state sets: time O(input × states),
// never backtracking. The alphabet is partitioned into classes (scalars no set in the pattern tells
// apart), so transitions test a precomputed class × set table instead of ranges.

/// Node of the Thompson NFA. Indexes are `Int32` to keep the arrays small.
enum NFANode: Sendable {
    /// Consume one scalar whose class is in set `set`, go to `next`.
    case consume(set: Int32, next: Int32)
    /// Go to both without consuming.
    case split(Int32, Int32)
    case accept
    /// No way on (`#`).
    case fail
}

/// The compiled pattern: nodes and alphabet classes.
struct RegexNFA: Sendable {
    /// Largest automaton accepted, in NFA nodes; beyond it the pattern is rejected.
    static let maxNodes = 20_000

    let nodes: [NFANode]
    let start: Int32
    let alphabet: ScalarClasses

    /// Builds the automaton; throws when it would exceed `maxNodes`.
    init(_ root: RegexNode, caseInsensitive: Bool, tooLarge: RegexSyntaxError) throws(RegexSyntaxError) {
        guard Self.estimatedNodes(root) <= Self.maxNodes else { throw tooLarge }
        var builder = Builder()
        let accept = builder.add(.accept)
        start = builder.compile(root, next: accept)
        nodes = builder.nodes
        guard let alphabet = ScalarClasses(builder.sets, caseInsensitive: caseInsensitive) else { throw tooLarge }
        self.alphabet = alphabet
    }

    /// Upper bound on the nodes `Builder` makes for the tree (saturating).
    static func estimatedNodes(_ node: RegexNode) -> Int {
        switch node {
        case .empty, .nothing, .scalars: return 1
        case .concat(let parts): return parts.reduce(1) { sat($0, estimatedNodes($1)) }
        case .alternation(let branches): return branches.reduce(1) { sat($0, sat(estimatedNodes($1), 1)) }
        case .repetition(let inner, let min, let max):
            // Counts are at most `LuceneRegexParser.maxRepetitionCount` and estimates at most Int32.max,
            // so the product cannot overflow.
            let copies = Swift.max(max ?? (min + 1), 1)
            return sat(estimatedNodes(inner) * (copies + 1), copies)
        }
    }

    private static func sat(_ a: Int, _ b: Int) -> Int {
        let (r, overflow) = a.addingReportingOverflow(b)
        return overflow || r > Int(Int32.max) ? Int(Int32.max) : r
    }

    /// Compiles right to left: each node is built knowing its continuation, so no patching.
    private struct Builder {
        var nodes: [NFANode] = []
        var sets: [ScalarSet] = []
        var setIndex: [ScalarSet: Int32] = [:]
        var failNode: Int32?

        mutating func add(_ node: NFANode) -> Int32 {
            nodes.append(node)
            return Int32(nodes.count - 1)
        }

        mutating func compile(_ node: RegexNode, next: Int32) -> Int32 {
            switch node {
            case .empty:
                return next
            case .nothing:
                if let failNode { return failNode }
                let id = add(.fail)
                failNode = id
                return id
            case .scalars(let set):
                if set.isEmpty { return compile(.nothing, next: next) }
                let id: Int32
                if let known = setIndex[set] {
                    id = known
                } else {
                    id = Int32(sets.count)
                    sets.append(set)
                    setIndex[set] = id
                }
                return add(.consume(set: id, next: next))
            case .concat(let parts):
                var target = next
                for part in parts.reversed() { target = compile(part, next: target) }
                return target
            case .alternation(let branches):
                var target = compile(branches[branches.count - 1], next: next)
                for branch in branches.dropLast().reversed() {
                    target = add(.split(compile(branch, next: next), target))
                }
                return target
            case .repetition(let inner, let min, let max):
                var target: Int32
                if let max {
                    target = next
                    for _ in 0..<(max - min) { target = add(.split(compile(inner, next: target), next)) }
                } else {
                    // loop: split(body → loop, next)
                    let loop = add(.split(-1, next))
                    let body = compile(inner, next: loop)
                    nodes[Int(loop)] = .split(body, next)
                    target = loop
                }
                for _ in 0..<min { target = compile(inner, next: target) }
                return target
            }
        }
    }
}

/// The alphabet split into classes of scalars that every set of the pattern treats alike, and which
/// class each set admits. ASCII maps through a table (folded when case-insensitive); other scalars
/// by binary search.
struct ScalarClasses: Sendable {
    /// Limit on set × class membership bits (and on the work to find them); beyond it the pattern is
    /// rejected as too large. Reached only by thousands of distinct characters.
    static let maxMembershipBits = 16 << 20

    /// Class of each ASCII byte.
    let ascii: [UInt16]
    /// Starts (≥ 0x80) of the non-ASCII intervals, ascending, and their classes.
    let highStarts: [UInt32]
    let highClasses: [UInt16]
    let count: Int
    private let setCount: Int
    /// Bit `class * setCount + set`.
    private let membership: [UInt64]

    /// Nil when the pattern has too many distinct sets and classes (see `maxMembershipBits`).
    init?(_ sets: [ScalarSet], caseInsensitive: Bool) {
        var cuts: Set<UInt32> = [0, 0x80]
        for set in sets {
            for r in set.ranges {
                cuts.insert(r.lowerBound)
                if r.upperBound < ScalarSet.maxScalar { cuts.insert(r.upperBound + 1) }
            }
        }
        let starts = cuts.sorted()
        // The sets covering each elementary interval; intervals covered alike share a class.
        var covering = [[Int32]](repeating: [], count: starts.count)
        var work = 0
        for (s, set) in sets.enumerated() {
            for r in set.ranges {
                var k = Self.interval(of: r.lowerBound, in: starts)
                while k < starts.count, starts[k] <= r.upperBound {
                    covering[k].append(Int32(s))
                    k += 1
                    work += 1
                }
                if work > Self.maxMembershipBits { return nil }
            }
        }
        var classOfCovering: [[Int32]: UInt16] = [:]
        var classMembers: [[Int32]] = []
        var intervalClass: [UInt16] = []
        intervalClass.reserveCapacity(covering.count)
        for members in covering {
            if let known = classOfCovering[members] {
                intervalClass.append(known)
                continue
            }
            guard classMembers.count < Int(UInt16.max) else { return nil }  // class ids are 16-bit: too large
            let id = UInt16(classMembers.count)
            classOfCovering[members] = id
            classMembers.append(members)
            intervalClass.append(id)
        }
        guard classMembers.count * sets.count <= Self.maxMembershipBits else { return nil }
        var membership = [UInt64](repeating: 0, count: (classMembers.count * sets.count + 63) / 64)
        for (c, members) in classMembers.enumerated() {
            for s in members {
                let bit = c * sets.count + Int(s)
                membership[bit >> 6] |= 1 << UInt64(bit & 63)
            }
        }
        ascii = (0..<128).map { b in
            let v = caseInsensitive && (b &- 0x41) < 26 ? UInt32(b | 0x20) : UInt32(b)
            return intervalClass[Self.interval(of: v, in: starts)]
        }
        let firstHigh = Self.interval(of: 0x80, in: starts)
        highStarts = Array(starts[firstHigh...])
        highClasses = Array(intervalClass[firstHigh...])
        count = classMembers.count
        setCount = sets.count
        self.membership = membership
    }

    /// Index of the interval holding `v`: the last start ≤ v.
    private static func interval(of v: UInt32, in starts: [UInt32]) -> Int {
        var lo = 0, hi = starts.count
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if starts[mid] <= v { lo = mid } else { hi = mid }
        }
        return lo
    }

    @inline(__always) func admits(set: Int, class cls: Int) -> Bool {
        let bit = cls &* setCount &+ set
        return membership[bit &>> 6] & (1 &<< UInt64(bit & 63)) != 0
    }

    /// Class of any scalar.
    @inline(__always) func classOf(_ v: UInt32) -> Int {
        v < 0x80 ? Int(ascii[Int(v)]) : classOf(high: v)
    }

    /// Class of a non-ASCII scalar.
    @inline(__always) func classOf(high v: UInt32) -> Int {
        highStarts.withUnsafeBufferPointer { starts in
            var lo = 0, hi = starts.count
            while hi - lo > 1 {
                let mid = (lo + hi) &>> 1
                if starts[mid] <= v { lo = mid } else { hi = mid }
            }
            return Int(highClasses[lo])
        }
    }
}

/// State-set simulation of a `RegexNFA`: the matcher's fallback when the DFA would be too large,
/// and the subset construction's step function.
struct NFASimulation {
    let nfa: RegexNFA
    /// Live consume nodes, and whether `accept` is among the live nodes.
    private(set) var current: [Int32] = []
    private(set) var accepting = false
    /// NFA nodes visited so far: at most (input scalars + 1) × nodes.
    private(set) var steps = 0
    private var roots: [Int32] = []
    private var mark: [UInt32]
    private var generation: UInt32 = 0
    private var stack: [Int32] = []

    init(_ nfa: RegexNFA) {
        self.nfa = nfa
        mark = [UInt32](repeating: 0, count: nfa.nodes.count)
        reset()
    }

    /// Back to the start state.
    mutating func reset() {
        roots.removeAll(keepingCapacity: true)
        roots.append(nfa.start)
        closeRoots()
    }

    /// Replaces the live set by `nodes` (consume nodes of a DFA state) and its acceptance.
    mutating func load(_ nodes: [Int32], accepting: Bool) {
        // Copied into the simulation's own buffer: sharing `nodes` would make the next step reallocate it.
        current.removeAll(keepingCapacity: true)
        current.append(contentsOf: nodes)
        self.accepting = accepting
    }

    /// Nothing can match any more.
    var isDead: Bool { current.isEmpty && !accepting }

    /// Steps the live set over one scalar of class `cls`.
    mutating func advance(class cls: Int) {
        advance(from: current, class: cls)
    }

    /// Makes the live set what `nodes` (consume nodes, e.g. a DFA state's) reach over one scalar of class `cls`.
    mutating func advance(from nodes: [Int32], class cls: Int) {
        roots.removeAll(keepingCapacity: true)
        for id in nodes {
            if case .consume(let set, let next) = nfa.nodes[Int(id)], nfa.alphabet.admits(set: Int(set), class: cls) {
                roots.append(next)
            }
        }
        closeRoots()
    }

    /// `current` := the consume nodes reachable from `roots` without consuming; sets `accepting`.
    private mutating func closeRoots() {
        generation &+= 1
        if generation == 0 {
            for i in mark.indices { mark[i] = 0 }
            generation = 1
        }
        current.removeAll(keepingCapacity: true)
        accepting = false
        stack.removeAll(keepingCapacity: true)
        for index in roots.indices.reversed() { stack.append(roots[index]) }
        while let id = stack.popLast() {
            let i = Int(id)
            if mark[i] == generation { continue }
            mark[i] = generation
            steps += 1
            switch nfa.nodes[i] {
            case .consume: current.append(id)
            case .split(let a, let b):
                stack.append(b)
                stack.append(a)
            case .accept: accepting = true
            case .fail: break
            }
        }
    }
}
