import EQL
import EventModel
#if canImport(Glibc)
import Glibc
#endif

/// One rule's exception items, compiled once against the rule's view: every field is a slot, so an event is tested
/// on the values the rule itself reads. Semantics are Kibana's exception filter (KB `build_exception_filter.ts`):
/// an item matches when all its entries do, the event is excepted when any item matches; `excluded` is `must_not`
/// (true when no value satisfies the clause, a missing field included); arrays match when any element does;
/// `match`/`wildcard` are exact and case-sensitive, a `.caseless` field compares the lowercased base field.
public struct RuleExceptions: Sendable {
    struct Item: Sendable {
        /// `list_id/item_id`, for counters.
        let key: String
        let entries: [Entry]
        let expireTime: Int64?
    }

    indirect enum Entry: Sendable {
        case values(slot: Int?, values: Set<String>, caseless: Bool, excluded: Bool)
        case wildcard(slot: Int?, pattern: WildcardPattern, excluded: Bool)
        case exists(slot: Int?, excluded: Bool)
        case nested(slot: Int?, entries: [ExceptionEntry])
        /// An `ip` or `ip_range` value list: some value is an address inside one of the ranges.
        case ranges(slot: Int?, ranges: [IPRange], excluded: Bool)
    }

    let items: [Item]
    public static let none = RuleExceptions(items: [])

    public var isEmpty: Bool { items.isEmpty }
    /// `list_id/item_id` of each item, in ``match(_:now:)``'s numbering.
    public var itemKeys: [String] { items.map(\.key) }

    /// Compiles `lists` for a rule compiled against `schema`. Items for other OSes than Linux are left out.
    static func compile(_ lists: [ExceptionList], schema: any FieldSchema) -> RuleExceptions {
        var items: [Item] = []
        for list in lists {
            for item in list.items where item.osTypes.isEmpty || item.osTypes.contains("linux") {
                items.append(Item(key: list.listID + "/" + item.itemID,
                                  entries: item.entries.map { compile($0, schema: schema) }, expireTime: item.expireTime))
            }
        }
        return RuleExceptions(items: items)
    }

    private static func compile(_ entry: ExceptionEntry, schema: any FieldSchema) -> Entry {
        func slot(_ field: String) -> (Int?, Bool) {
            if field.hasSuffix(".caseless") { return (schema.slot(for: String(field.dropLast(9))), true) }
            return (schema.slot(for: field), false)
        }
        switch entry {
        case .match(let field, let value, let excluded):
            let (s, caseless) = slot(field)
            return .values(slot: s, values: [caseless ? value.lowercased() : value], caseless: caseless, excluded: excluded)
        case .matchAny(let field, let values, let excluded):
            let (s, caseless) = slot(field)
            return .values(slot: s, values: Set(values.map { caseless ? $0.lowercased() : $0 }), caseless: caseless,
                           excluded: excluded)
        case .wildcard(let field, let pattern, let excluded):
            let (s, caseless) = slot(field)
            return .wildcard(slot: s, pattern: WildcardPattern(pattern, caseInsensitive: caseless), excluded: excluded)
        case .exists(let field, let excluded):
            return .exists(slot: slot(field).0, excluded: excluded)
        case .nested(let field, let entries):
            return .nested(slot: schema.slot(for: field), entries: entries)
        case .valueList(let field, let list, let excluded):
            let (s, caseless) = slot(field)
            if list.type == "keyword" {
                return .values(slot: s, values: Set(list.values.map { caseless ? $0.lowercased() : $0 }), caseless: caseless,
                               excluded: excluded)
            }
            return .ranges(slot: s, ranges: list.ranges, excluded: excluded)
        }
    }

    /// The index of the first item that excepts `values` at wall-clock time `now` (nanoseconds), or nil.
    public func match(_ values: [FieldValue], now: Int64) -> Int? {
        for (index, item) in items.enumerated() {
            if let expire = item.expireTime, expire < now { continue }
            if item.entries.allSatisfy({ holds($0, values) }) { return index }
        }
        return nil
    }

    private func holds(_ entry: Entry, _ values: [FieldValue]) -> Bool {
        func value(_ slot: Int?) -> FieldValue {
            guard let slot, slot < values.count else { return .null }
            return values[slot]
        }
        switch entry {
        case .values(let slot, let set, let caseless, let excluded):
            let any = Self.texts(value(slot)).contains { set.contains(caseless ? $0.lowercased() : $0) }
            return excluded ? !any : any
        case .wildcard(let slot, let pattern, let excluded):
            let any = Self.texts(value(slot)).contains(where: pattern.matches)
            return excluded ? !any : any
        case .exists(let slot, let excluded):
            let present = !Self.texts(value(slot)).isEmpty || Self.hasObject(value(slot))
            return excluded ? !present : present
        case .ranges(let slot, let ranges, let excluded):
            let any = Self.texts(value(slot)).contains { text in
                guard let address = IPRange.address(text) else { return false }
                return ranges.contains { $0.contains(address) }
            }
            return excluded ? !any : any
        case .nested(let slot, let entries):
            let objects: [FieldValue]
            switch value(slot) {
            case .array(let items): objects = items
            case .object: objects = [value(slot)]
            default: objects = []
            }
            return objects.contains { object in entries.allSatisfy { Self.holds($0, in: object) } }
        }
    }

    /// An inner entry of a `nested` one, on one object (names relative to it).
    static func holds(_ entry: ExceptionEntry, in object: FieldValue) -> Bool {
        let value = lookup(entry.field, in: object)
        switch entry {
        case .match(_, let expected, let excluded):
            let any = texts(value).contains(expected)
            return excluded ? !any : any
        case .matchAny(_, let expected, let excluded):
            let any = texts(value).contains { expected.contains($0) }
            return excluded ? !any : any
        case .wildcard(_, let pattern, let excluded):
            let any = texts(value).contains(where: WildcardPattern(pattern, caseInsensitive: false).matches)
            return excluded ? !any : any
        case .exists(_, let excluded):
            let present = !texts(value).isEmpty || hasObject(value)
            return excluded ? !present : present
        case .nested, .valueList:
            return false   // the parser refuses both inside a nested entry
        }
    }

    /// `a.b.c` inside an object: the dotted key itself, or the path through nested objects.
    static func lookup(_ path: String, in object: FieldValue) -> FieldValue {
        if let direct = object[path] { return direct }
        var current = object
        for part in path.split(separator: ".") {
            guard let next = current[String(part)] else { return .null }
            current = next
        }
        return current
    }

    /// The scalar values of a field as text (`true`, `4242`), every element of an array; none for null.
    static func texts(_ value: FieldValue) -> [String] {
        switch value {
        case .string(let s): return [s]
        case .int(let i): return [String(i)]
        case .double(let d): return [d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)]
        case .bool(let b): return [b ? "true" : "false"]
        case .array(let items): return items.flatMap(texts)
        case .null, .object: return []
        }
    }

    static func hasObject(_ value: FieldValue) -> Bool {
        switch value {
        case .object: return true
        case .array(let items): return items.contains(where: hasObject)
        default: return false
        }
    }

    /// CLOCK_REALTIME in nanoseconds: items expire by processing time, as Kibana drops them at execution start.
    public static func wallClock() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
    }
}

extension ExceptionLists {
    /// `rule`'s exceptions compiled against `schema` (the schema of one of its views): the lists it names, then
    /// `attachToAllRules`, then the lists of the `attachToRules` entries (`LIST_ID=TARGET`, TARGET its id or one of its
    /// tags), then the lists whose own scope includes it; each list once.
    public func exceptions(for rule: LoadedRule, attachToAllRules: [String], attachToRules: [String],
                           schema: any FieldSchema) -> RuleExceptions {
        var listIDs: [String] = []
        let scoped = lists.values.filter { $0.scopeIncludes(rule.ruleID) }.map(\.listID).sorted()
        let targeted = attachToRules.compactMap { entry -> String? in
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            return parts[1] == rule.ruleID || rule.tags.contains(parts[1]) ? parts[0] : nil
        }
        for id in rule.exceptionLists + attachToAllRules + targeted + scoped where !listIDs.contains(id) {
            listIDs.append(id)
        }
        let applied = listIDs.compactMap { lists[$0] }
        return applied.isEmpty ? .none : RuleExceptions.compile(applied, schema: schema)
    }

    /// One warning per exception item that can never match because it needs a value of a field for which `producible`
    /// is false (`auspex check`): an item is the AND of its entries, so one included `match`, `match_any`,
    /// `wildcard`, `exists` or value-list entry on such a field keeps it from ever applying. Excluded entries on such a
    /// field always hold (a missing field is not the value), and `nested` entries are not judged.
    public func neverMatching(producible: (String) -> Bool) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for list in lists.values.sorted(by: { $0.listID < $1.listID }) {
            for item in list.items {
                guard let field = item.entries.lazy.compactMap({ Self.requiredField(of: $0) }).first(where: { !producible($0) })
                else { continue }
                diagnostics.append(.warning(item.file, item.location,
                    "exception item '\(item.itemID)' of list '\(list.listID)' can never match: it needs '\(field)', "
                        + "which the audit source never produces"))
            }
        }
        return diagnostics
    }

    /// The field an entry needs a value of to hold; nil for excluded and `nested` entries.
    static func requiredField(of entry: ExceptionEntry) -> String? {
        switch entry {
        case .match(let field, _, false), .matchAny(let field, _, false), .wildcard(let field, _, false),
             .exists(let field, false), .valueList(let field, _, false):
            return field
        default:
            return nil
        }
    }
}
