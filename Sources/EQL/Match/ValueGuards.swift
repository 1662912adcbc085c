import EventModel

/// The rule index's last level: rules whose filters need one more field among a few values (most detection rules
/// pick a handful of program names out of every exec: `process.name in ("nc", "ncat", …)`) are skipped, without
/// evaluating them, when the event's value is none of those. Each guarded field's value is looked up once per event,
/// whatever the number of rules reading it. Part of ``RuleIndex``; the guards come from ``CompiledFilter/guards``.
/// A class, as the index: the per-event ``Admissions`` holds it, and a struct's copy retained each of its arrays.
final class ValueGuards: Sendable {
    /// One guarded field of one view: per value, the rules admitting it. A class: the per-event path reads it
    /// through the index's arrays, and a struct's copy retained each of its tables.
    final class Table: Sendable {
        let slot: Int
        /// Per value some rule names (case-sensitively or not): the rules admitting it; the table answers for
        /// ASCII texts, the dictionary otherwise (``ByteKeyTable``).
        let byValue: ByteKeyTable<RuleBits>, byValueText: [String: RuleBits]
        /// Per case-folded value some rule names case-insensitively, for values not in `byValue`.
        let byFoldedValue: ByteKeyTable<RuleBits>, byFoldedValueText: [String: RuleBits]
        /// `literal*` patterns, each with the rules it admits (for values not in `byValue`); `folded` ones are
        /// compared with the value's case-folded bytes.
        let prefixes: [(bytes: [UInt8], folded: Bool, rules: RuleBits)]
        /// The longest key of either, in bytes: a longer ASCII value (a path, a command line) is no key, and is
        /// turned away without hashing it (folding keeps an ASCII text's length) unless a prefix may take it.
        let longestKey: Int
        /// Bit `n` (`n` < 63) set when some key is `n` bytes long, bit 63 for any longer: an ASCII value of a length
        /// no key has is turned away without hashing it (as by ``longestKey``). All set when some key is not ASCII
        /// (it may equal an ASCII text of another length) or a prefix may take any length.
        let keyLengths: UInt64
        /// Whether any test is case-insensitive (a value is then also looked up folded).
        let foldsCase: Bool
        /// For a text of ASCII bytes and no capital (program names, paths: nearly every value), its own folded
        /// form, one lookup of its bytes answers where ``lookup(_:)`` looked it up as it is, then folded: per key of
        /// either table, the entry of that key's whole answer in `keyRules`. Nil when some key is not ASCII (bytes
        /// cannot tell then).
        private let foldedKeys: ByteKeyTable<Int>?
        /// Bit `n` set when some key of `foldedKeys` is `n` bytes long (as ``keyLengths``, prefixes aside).
        private let foldedKeyLengths: UInt64
        /// Rule bits, `answerWords` words per entry: of `foldedKeys`' entries, then of the prefixes.
        private let keyRules: [UInt64], prefixRules: [UInt64]
        private let answerWords: Int
        /// The prefixes' bytes back to back: prefix `i` is `prefixBytes[prefixStarts[i]..<prefixStarts[i + 1]]`
        /// (a folded text compares them all with its bytes alike).
        private let prefixBytes: [UInt8], prefixStarts: [Int]
        /// Per prefix, its first eight bytes (or fewer) as a word and the mask of those bytes
        /// (``littleEndianWord(_:count:)``): a value whose first bytes differ is turned away with one comparison.
        private let prefixHeads: [(word: UInt64, mask: UInt64)]

        convenience init(slot: Int, byValue: [String: RuleBits], byFoldedValue: [String: RuleBits],
                         prefixes: [(bytes: [UInt8], folded: Bool, rules: RuleBits)]) {
            // The folded keys' answers are the general lookup's, asked of the table without them.
            let general = Table(slot: slot, byValue: byValue, byFoldedValue: byFoldedValue, prefixes: prefixes, general: nil)
            self.init(slot: slot, byValue: byValue, byFoldedValue: byFoldedValue, prefixes: prefixes, general: general)
        }

        /// `general`: the same table without the folded keys' answers, to ask them of; none when nil.
        private init(slot: Int, byValue: [String: RuleBits], byFoldedValue: [String: RuleBits],
                     prefixes: [(bytes: [UInt8], folded: Bool, rules: RuleBits)], general: Table?) {
            self.slot = slot
            // (The general table's byte tables, when there is one, are the same: shared, not built again.)
            self.byValue = general?.byValue ?? ByteKeyTable(byValue.lazy.map { (key: $0.key, value: $0.value) })
            byValueText = byValue
            self.byFoldedValue = general?.byFoldedValue
                ?? ByteKeyTable(byFoldedValue.lazy.map { (key: $0.key, value: $0.value) })
            byFoldedValueText = byFoldedValue
            self.prefixes = prefixes
            foldsCase = !byFoldedValue.isEmpty || prefixes.contains { $0.folded }
            longestKey = prefixes.isEmpty ? max(self.byValue.longestKey, self.byFoldedValue.longestKey) : .max
            let keys = Array(byValue.keys) + Array(byFoldedValue.keys)
            keyLengths = !prefixes.isEmpty || !keys.allSatisfy(CaseFolding.isASCII) ? .max
                : keys.reduce(0) { $0 | Self.lengthBit($1.utf8.count) }
            let plainKeys = general == nil ? [] : Array(Set(keys)).sorted()
            let prefixAnswers = prefixes.map(\.rules)
            if let general, plainKeys.allSatisfy(CaseFolding.isASCII) {
                foldedKeys = ByteKeyTable(plainKeys.enumerated().map { (key: $0.element, value: $0.offset) })
                foldedKeyLengths = plainKeys.reduce(0) { $0 | Self.lengthBit($1.utf8.count) }
            } else {
                foldedKeys = nil
                foldedKeyLengths = 0
            }
            prefixBytes = prefixes.flatMap(\.bytes)
            prefixStarts = prefixes.reduce(into: [0]) { $0.append($0.last! + $1.bytes.count) }
            prefixHeads = prefixes.map { prefix in
                let length = min(prefix.bytes.count, 8)
                let word = prefix.bytes.withUnsafeBufferPointer { $0.isEmpty ? 0 : littleEndianWord($0.baseAddress!, count: length) }
                return (word: word, mask: length == 8 ? .max : (1 << UInt64(length * 8)) - 1)
            }
            let keyAnswers = foldedKeys == nil ? [] : plainKeys.map { general!.lookup($0) }
            answerWords = (keyAnswers + prefixAnswers).map(\.wordCount).max() ?? 0
            keyRules = Self.packed(keyAnswers, words: answerWords)
            prefixRules = Self.packed(prefixAnswers, words: answerWords)
        }

        /// `answers`' bits back to back, `words` words each.
        private static func packed(_ answers: [RuleBits], words: Int) -> [UInt64] {
            var packed = [UInt64](repeating: 0, count: answers.count * words)
            packed.withUnsafeMutableBufferPointer { packed in
                for (index, answer) in answers.enumerated() {
                    answer.add(into: UnsafeMutableBufferPointer(rebasing: packed[(index * words)..<((index + 1) * words)]))
                }
            }
            return packed
        }

        private static func lengthBit(_ length: Int) -> UInt64 { 1 << UInt64(min(length, 63)) }

        /// The rules an event whose value in `slot` is `value` may satisfy; nil when every rule may.
        func admitted(_ value: FieldValue) -> RuleBits? {
            switch value {
            case .string(let text): return lookup(text)
            case .null: return RuleBits.none  // every guard test is false on a missing value
            case .array(let items):
                // Some value must be one the guard admits (guards are derived for multi-valued fields).
                var union: RuleBits?
                for item in items {
                    switch item {
                    case .string(let text):
                        let admitted = lookup(text)
                        union = union.map { $0.union(admitted) } ?? admitted
                    case .null: continue
                    default: return nil  // a number may equal a constant by its text
                    }
                }
                return union ?? RuleBits.none
            default:
                return nil
            }
        }

        /// Adds to `rules` (bits by rule number, zeroed for the event, long enough for every guarded rule) the rules
        /// an event whose value in `slot` is `value` may satisfy: ``admitted(_:)``'s answer (every rule for nil),
        /// without building a ``RuleBits``.
        func admit(_ value: FieldValue, into rules: UnsafeMutableBufferPointer<UInt64>) {
            switch value {
            case .string(let text): admit(text, into: rules)
            case .null: return
            case .array(let items):
                for item in items {
                    switch item {
                    case .string(let text): admit(text, into: rules)
                    case .null: continue
                    default: return rules.update(repeating: .max)
                    }
                }
            default:
                rules.update(repeating: .max)
            }
        }

        /// ``admit(_:into:)`` for the value in `slot` of `values` (an event's values by slot), read in place: taking
        /// it out of the event copied it, a retain and a release.
        func admit(from values: UnsafeBufferPointer<FieldValue>, into rules: UnsafeMutableBufferPointer<UInt64>) {
            guard slot < values.count else { return }  // missing: as `.null`
            switch values[slot] {
            case .string(let text): admit(text, into: rules)
            case .null: return
            default: admit(values[slot], into: rules)
            }
        }

        @inline(__always)  // (called apart, it took a copy of the text: a retain and a release)
        private func admit(_ text: String, into rules: UnsafeMutableBufferPointer<UInt64>) {
            if foldedKeys != nil,
               text.utf8.withContiguousStorageIfAvailable({ admitFolded($0, into: rules) }) == true { return }
            lookup(text).add(into: rules)
        }

        /// ``lookup(_:)``'s answer added to `rules` when `text` is ASCII with no capital (its own folded form, so
        /// every key and prefix is compared with its bytes alike); false, adding nothing, for any other text.
        private func admitFolded(_ text: UnsafeBufferPointer<UInt8>, into rules: UnsafeMutableBufferPointer<UInt64>)
            -> Bool {
            guard let foldedKeys, CaseFolding.isFoldedASCII(text) else { return false }
            if foldedKeyLengths & Self.lengthBit(text.count) != 0, let entry = foldedKeys.value(forASCII: text) {
                Self.add(keyRules, entry: entry, words: answerWords, into: rules)
                return true
            }
            guard !prefixHeads.isEmpty else { return true }
            let head = text.isEmpty ? 0 : littleEndianWord(text.baseAddress!, count: text.count)
            prefixBytes.withUnsafeBufferPointer { prefixBytes in
                for index in prefixHeads.indices where head & prefixHeads[index].mask == prefixHeads[index].word {
                    let start = prefixStarts[index], length = prefixStarts[index + 1] - start
                    // (The head compared the first eight bytes, and only those of a value at least as long.)
                    if length <= text.count,
                       length <= 8 || bytesEqual(prefixBytes.baseAddress! + start, text.baseAddress!, count: length) {
                        Self.add(prefixRules, entry: index, words: answerWords, into: rules)
                    }
                }
            }
            return true
        }

        private static func add(_ packed: [UInt64], entry: Int, words: Int, into rules: UnsafeMutableBufferPointer<UInt64>) {
            for index in 0..<min(words, rules.count) { rules[index] |= packed[entry * words + index] }
        }

        private func lookup(_ text: String) -> RuleBits {
            // (Folding keeps an ASCII text's length.)
            if keyLengths & Self.lengthBit(text.utf8.count) == 0 || text.utf8.count > longestKey,
               CaseFolding.isASCII(text) { return .none }
            // A value some rule names lists every rule admitting it, by any of its tests (``ActionConstraint/admits``).
            if let rules = byValue.value(for: text, undecided: { byValueText[$0] }) { return rules }
            guard !byFoldedValue.isEmpty || !prefixes.isEmpty else { return .none }
            // Folding may copy the text: only when some test is case-insensitive.
            let folded = foldsCase ? ActionConstraint.caseFolded(text) : text
            var admitted = byFoldedValue.isEmpty ? .none : byFoldedValue.value(for: folded, undecided: { byFoldedValueText[$0] }) ?? .none
            guard !prefixes.isEmpty else { return admitted }
            var plain = text, lowered = folded
            plain.withUTF8 { plainBytes in
                lowered.withUTF8 { foldedBytes in
                    for index in prefixes.indices {
                        let value = prefixes[index].folded ? foldedBytes : plainBytes
                        let matches = prefixes[index].bytes.withUnsafeBufferPointer { prefix in
                            prefix.count <= value.count && prefix.elementsEqual(UnsafeBufferPointer(rebasing: value[..<prefix.count]))
                        }
                        if matches { admitted = admitted.union(prefixes[index].rules) }
                    }
                }
            }
            return admitted
        }
    }

    let tables: [Table]
    /// Per rule number, the index of the table guarding it; -1: unguarded; -2 - n: guarded by each table of
    /// `eitherTables[eitherStarts[n]..<eitherStarts[n + 1]]`, admitted when any of them admits it (a guard across
    /// several fields). One flat array: an array per rule was retained and released at each asking.
    private let tableOfRule: [Int]
    private let eitherTables: [Int], eitherStarts: [Int]

    /// The guards of one category's rules (a rule's guard differs between categories). A rule listed with
    /// constraints on several fields (one each) may match an event only if one of them admits it.
    init(_ guards: [(rule: Int, bound: ActionConstraint)]) {
        var bySlot: [Int: [(rule: Int, bound: ActionConstraint)]] = [:]
        for entry in guards { bySlot[entry.bound.slot, default: []].append(entry) }
        tables = bySlot.keys.sorted().map { Self.table(slot: $0, members: bySlot[$0]!) }
        var tablesOfRule = Array(repeating: [Int](), count: (guards.map(\.rule).max() ?? -1) + 1)
        for (index, table) in tables.enumerated() {
            for entry in bySlot[table.slot]! { tablesOfRule[entry.rule].append(index) }
        }
        var eitherTables: [[Int]] = []
        tableOfRule = tablesOfRule.map { tables in
            guard tables.count > 1 else { return tables.first ?? -1 }
            eitherTables.append(tables)
            return -1 - eitherTables.count
        }
        self.eitherTables = eitherTables.flatMap { $0 }
        eitherStarts = eitherTables.reduce(into: [0]) { $0.append($0.last! + $1.count) }
    }

    /// One field's table, built in time linear in the values the rules name (a hostile rule with a long list costs its
    /// length, not its length times the number of rules): the rules are filed under each value they name, then each
    /// value also lists the rules admitting it by case-folding or by prefix.
    private static func table(slot: Int, members: [(rule: Int, bound: ActionConstraint)]) -> Table {
        var exact: [String: [Int]] = [:], folded: [String: [Int]] = [:]
        var prefixRules: [[UInt8]: [Int]] = [:], foldedPrefixRules: [[UInt8]: [Int]] = [:]
        for member in members {
            for value in member.bound.values { exact[value, default: []].append(member.rule) }
            for key in member.bound.caseInsensitiveValues { folded[key, default: []].append(member.rule) }
            for prefix in member.bound.prefixes { prefixRules[prefix, default: []].append(member.rule) }
            for prefix in member.bound.caseInsensitivePrefixes { foldedPrefixRules[prefix, default: []].append(member.rule) }
        }
        var byValue: [String: RuleBits] = [:]
        for (value, rules) in exact {
            var admitting = rules
            let foldedValue = folded.isEmpty && foldedPrefixRules.isEmpty ? value : ActionConstraint.caseFolded(value)
            admitting += folded[foldedValue] ?? []
            for (prefix, rules) in prefixRules where value.utf8.starts(with: prefix) { admitting += rules }
            for (prefix, rules) in foldedPrefixRules where foldedValue.utf8.starts(with: prefix) { admitting += rules }
            byValue[value] = RuleBits(admitting)
        }
        let ordered = { (rules: [[UInt8]: [Int]]) in rules.sorted { $0.key.lexicographicallyPrecedes($1.key) } }
        let prefixes = ordered(prefixRules).map { (bytes: $0.key, folded: false, rules: RuleBits($0.value)) }
            + ordered(foldedPrefixRules).map { (bytes: $0.key, folded: true, rules: RuleBits($0.value)) }
        return Table(slot: slot, byValue: byValue, byFoldedValue: folded.mapValues(RuleBits.init), prefixes: prefixes)
    }

    /// Words of rule bits per table in the per-event memo (every guarded rule's number fits).
    private var ruleWords: Int { (tableOfRule.count + 63) / 64 }

    /// Runs `body` with a per-event memo of each table's admitted rules (on the stack: nothing allocated per event
    /// unless a multi-valued field needs a union).
    func withAdmissions<Result>(for event: SlotEvent, _ body: (inout Admissions) -> Result) -> Result {
        // Per table, a state word then its admitted rules' bits: plain words, where a memo of ``RuleBits`` took a
        // retain and release of their array per rule asked, and a deinitialization per event.
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(tables.count * (ruleWords + 1), 1)) { memo in
            memo.initialize(repeating: Admissions.unknown)
            // The event's values lent, not the event held: each copy of it retained its array and tiebreaker.
            return event.values.withUnsafeBufferPointer { values in
                var admissions = Admissions(guards: self, values: values, memo: memo, ruleWords: ruleWords)
                return body(&admissions)
            }
        }
    }

    /// The guards' verdicts on one event, each table asked at most once.
    struct Admissions {
        let guards: ValueGuards
        /// The event's values by slot (``SlotEvent/values``), valid within ``ValueGuards/withAdmissions(for:_:)``.
        let values: UnsafeBufferPointer<FieldValue>
        /// Per table, `ruleWords + 1` words: ``unknown`` or ``known``, then the rules it admits, one bit each.
        let memo: UnsafeMutableBufferPointer<UInt64>
        let ruleWords: Int

        static let unknown: UInt64 = 0, known: UInt64 = 1

        /// The event's value in `slot` (`.null` past the end, as ``SlotEvent`` reads it).
        func value(in slot: Int) -> FieldValue { slot < values.count ? values[slot] : .null }

        /// Whether `rule` may match the event as far as its guard (if any) can tell.
        mutating func admits(_ rule: Int) -> Bool {
            guard rule < guards.tableOfRule.count else { return true }
            let table = guards.tableOfRule[rule]
            if table >= 0 { return admits(rule, by: table) }
            if table == -1 { return true }
            let either = -2 - table
            for index in guards.eitherStarts[either]..<guards.eitherStarts[either + 1]
            where admits(rule, by: guards.eitherTables[index]) { return true }
            return false
        }

        /// Whether the guard field of `table` admits `rule` (a guarded rule: its number is below `ruleWords * 64`).
        private mutating func admits(_ rule: Int, by table: Int) -> Bool {
            let base = table * (ruleWords + 1)
            if memo[base] == Self.unknown {
                let rules = UnsafeMutableBufferPointer(rebasing: memo[(base + 1)..<(base + 1 + ruleWords)])
                let guardTable = guards.tables[table]
                guardTable.admit(from: values, into: rules)
                memo[base] = Self.known
            }
            return memo[base + 1 + rule / 64] & (1 << UInt64(rule % 64)) != 0
        }
    }
}

/// A set of rule numbers as bits.
struct RuleBits: Sendable {
    private let words: [UInt64]

    /// (Computed: reading a stored static ran its once-only initialization check on every lookup.)
    static var none: RuleBits { RuleBits(words: []) }

    init(_ rules: [Int]) {
        var words = [UInt64](repeating: 0, count: (rules.max() ?? -1) / 64 + 1)
        for rule in rules { words[rule / 64] |= 1 << UInt64(rule % 64) }
        self.words = words
    }

    func contains(_ rule: Int) -> Bool {
        let word = rule / 64
        return word < words.count && words[word] & (1 << UInt64(rule % 64)) != 0
    }

    /// Adds the bits to `words` (long enough for every rule number in the set).
    func add(into words: UnsafeMutableBufferPointer<UInt64>) {
        for index in 0..<min(self.words.count, words.count) { words[index] |= self.words[index] }
    }

    /// Words the bits take.
    var wordCount: Int { words.count }

    func union(_ other: RuleBits) -> RuleBits {
        if other.words.isEmpty { return self }
        if words.isEmpty { return other }
        var words = self.words.count >= other.words.count ? self.words : other.words
        for (index, word) in (self.words.count >= other.words.count ? other.words : self.words).enumerated() {
            words[index] |= word
        }
        return RuleBits(words: words)
    }

    private init(words: [UInt64]) { self.words = words }
}
