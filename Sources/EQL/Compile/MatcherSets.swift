import EventModel

/// The constant list of `in` / `in~`, prebuilt into hash sets by type.
struct ValueSet: Sendable {
    let caseInsensitive: Bool
    private var strings: Set<String> = []
    private var foldedStrings: Set<CaseInsensitiveKey> = []
    private var integers: Set<Int64> = []
    private var doubles: Set<Double> = []
    private var booleans: Set<Bool> = []
    /// Whether any string in the list reads as a number (then numeric events are looked up as text too).
    private var hasNumericStrings = false
    /// `strings` for lookups (hashing a long value with SipHash cost more than the rest of the test).
    private var stringTable = ByteKeyTable<Bool>([(key: String, value: Bool)]())
    /// The longest of `foldedStrings`, in bytes: a longer ASCII value is no member, unhashed.
    private var longestFolded = 0

    init(_ values: [FieldValue], caseInsensitive: Bool) {
        self.caseInsensitive = caseInsensitive
        defer {
            stringTable = ByteKeyTable(strings.lazy.map { (key: $0, value: true) })
            longestFolded = foldedStrings.map(\.text.utf8.count).max() ?? 0
        }
        for value in values {
            switch value {
            case .string(let s):
                if caseInsensitive { foldedStrings.insert(CaseInsensitiveKey(s)) } else { strings.insert(s) }
                if ValueSemantics.parseNumber(s) != nil { hasNumericStrings = true }
            case .int(let i): integers.insert(i)
            case .double(let d):
                if let i = FieldValue.double(d).intValue { integers.insert(i) } else { doubles.insert(d) }
            case .bool(let b): booleans.insert(b)
            case .null, .array, .object: break
            }
        }
    }

    /// The list when it holds only strings (case-insensitive ones in `CaseFolding.comparable` form), else nil:
    /// then a string is a member exactly when it is one of them (numbers would also match numeric text).
    var stringsOnly: Set<String>? {
        guard integers.isEmpty, doubles.isEmpty, booleans.isEmpty else { return nil }
        return caseInsensitive ? Set(foldedStrings.map(\.text)) : strings
    }

    /// Membership of one non-null scalar.
    func contains(_ value: FieldValue) -> Bool {
        switch value {
        case .string(let s):
            if caseInsensitive ? containsFolded(s) : containsString(s) { return true }
            if integers.isEmpty, doubles.isEmpty { return false }
            return ValueSemantics.parseNumber(s).map(containsNumber) ?? false
        case .int, .double:
            if containsNumber(value) { return true }
            guard hasNumericStrings, let text = ValueSemantics.text(value) else { return false }
            return caseInsensitive ? containsFolded(text) : containsString(text)
        case .bool(let b):
            return booleans.contains(b) || (caseInsensitive
                ? foldedStrings.contains(CaseInsensitiveKey(comparable: b ? "true" : "false"))
                : strings.contains(b ? "true" : "false"))
        case .null, .array, .object:
            return false
        }
    }

    private func containsString(_ s: String) -> Bool {
        stringTable.value(for: s, undecided: { strings.contains($0) ? true : nil }) != nil
    }

    private func containsFolded(_ s: String) -> Bool {
        if s.utf8.count > longestFolded, CaseFolding.isASCII(s) { return false }  // folding keeps ASCII lengths
        return foldedStrings.contains(CaseInsensitiveKey(s))
    }

    private func containsNumber(_ value: FieldValue) -> Bool {
        switch value {
        case .int(let i): return integers.contains(i) || doubles.contains(Double(i))
        case .double(let d): return value.intValue.map(integers.contains) ?? doubles.contains(d)
        default: return false
        }
    }
}

/// The patterns of one `:` / `like` / `like~` / `regex` / `regex~`: literal patterns in a hash set,
/// the rest as compiled wildcard or regex matchers. Any-of.
struct PatternSet: Sendable {
    let caseInsensitive: Bool
    private var exact: Set<String> = []
    private var foldedExact: Set<CaseInsensitiveKey> = []
    private var wildcards: [WildcardPattern] = []
    private var regexes: [RegexMatcher] = []
    /// `exact` for lookups, and the longest of `foldedExact` in bytes (as in ``ValueSet``).
    private var exactTable = ByteKeyTable<Bool>([(key: String, value: Bool)]())
    private var longestFolded = 0

    /// Wildcard patterns (`:`, `like`, `like~`).
    init(wildcards patterns: [String], caseInsensitive: Bool) {
        self.caseInsensitive = caseInsensitive
        defer {
            exactTable = ByteKeyTable(exact.lazy.map { (key: $0, value: true) })
            longestFolded = foldedExact.map(\.text.utf8.count).max() ?? 0
        }
        for p in patterns {
            if WildcardPattern.hasWildcards(p) {
                wildcards.append(WildcardPattern(p, caseInsensitive: caseInsensitive))
            } else if caseInsensitive {
                foldedExact.insert(CaseInsensitiveKey(p))
            } else {
                exact.insert(p)
            }
        }
    }

    /// Lucene regular expressions (`regex`, `regex~`), already compiled.
    init(regexes: [RegexMatcher], caseInsensitive: Bool) {
        self.caseInsensitive = caseInsensitive
        self.regexes = regexes
    }

    /// The patterns when none has a wildcard or is a regex (case-insensitive ones in `CaseFolding.comparable`
    /// form), else nil: then a string matches exactly when it is one of them.
    var literalsOnly: Set<String>? {
        guard wildcards.isEmpty, regexes.isEmpty else { return nil }
        return caseInsensitive ? Set(foldedExact.map(\.text)) : exact
    }

    /// The patterns when each is a literal or a `literal*` prefix (no regex, no other wildcard), in the forms of
    /// ``literalsOnly`` and ``WildcardPattern/prefix``; else nil: then a string matches exactly when it is one of
    /// the literals or starts with one of the prefixes.
    var literalsAndPrefixes: (literals: Set<String>, prefixes: Set<[UInt8]>)? {
        guard regexes.isEmpty else { return nil }
        var prefixes = Set<[UInt8]>()
        for wildcard in wildcards {
            guard let prefix = wildcard.prefix else { return nil }
            prefixes.insert(prefix)
        }
        return (caseInsensitive ? Set(foldedExact.map(\.text)) : exact, prefixes)
    }

    /// Matches one non-null scalar; numbers and booleans are matched by their text.
    func matches(_ value: FieldValue) -> Bool {
        switch value {
        case .string(let s): return matches(s)
        case .int, .double, .bool: return ValueSemantics.text(value).map(matches) ?? false
        default: return false
        }
    }

    func matches(_ s: String) -> Bool {
        // Non-ASCII text is lowercased once here, not once per pattern.
        let text = caseInsensitive && (!wildcards.isEmpty || !foldedExact.isEmpty) ? CaseFolding.comparable(s) : s
        if caseInsensitive {
            if !foldedExact.isEmpty, text.utf8.count <= longestFolded || !CaseFolding.isASCII(text),
               foldedExact.contains(CaseInsensitiveKey(comparable: text)) { return true }
        } else if exactTable.value(for: s, undecided: { exact.contains($0) ? true : nil }) != nil {
            return true
        }
        if !wildcards.isEmpty {
            var bytes = text
            // One view of the bytes for every pattern of the list.
            if bytes.withUTF8({ view in wildcards.contains { $0.matches(bytes: view) } }) { return true }
        }
        for r in regexes where r.matches(s) { return true }
        return false
    }
}
