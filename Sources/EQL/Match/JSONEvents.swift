import EventModel

/// A bad events file: which input, where, and what.
struct JSONEventsError: Error, CustomStringConvertible, Sendable {
    var source: String
    var message: String
    var description: String { "\(source): \(message)" }

    init(source: String, message: String) {
        self.source = source
        self.message = message
    }
}

/// Events read from JSON (an array of objects, or NDJSON; `//` comment lines allowed), turned into
/// `SlotEvent`s over a schema that grows with each new field. Shared by `auspex query` and the
/// conformance tests. Compile queries against `schema` after loading.
public struct JSONEventSet {
    struct Options: Sendable {
        /// The field holding event time.
        var timestampField = "@timestamp"
        var timestampEncoding = TimestampEncoding.millisOrISO
        /// The second ordering key (after time); nil orders ties by input order.
        var tiebreakerField: String?
        /// A field that stands in for `event.category` (the Endgame data's `event_type`).
        var categoryField: String?
        /// Also store the decoded time, as epoch milliseconds, under this field (`@timestamp` for Endgame data).
        var timestampCopyField: String?
        /// When false, an event without a readable time gets time 0 instead of an error (samples need no time).
        var requireTimestamp = false

        init(timestampField: String = "@timestamp", timestampEncoding: TimestampEncoding = .millisOrISO,
                    tiebreakerField: String? = nil, categoryField: String? = nil,
                    timestampCopyField: String? = nil, requireTimestamp: Bool = false) {
            self.timestampField = timestampField
            self.timestampEncoding = timestampEncoding
            self.tiebreakerField = tiebreakerField
            self.categoryField = categoryField
            self.timestampCopyField = timestampCopyField
            self.requireTimestamp = requireTimestamp
        }
    }

    let options: Options
    private(set) var schema = FieldTable()
    /// The events as read, by ordinal (what results print).
    private(set) var documents: [FieldValue] = []
    /// The events as the matchers see them; `ordinal` indexes `documents`.
    private(set) var events: [SlotEvent] = []
    /// Events whose time field was absent or unreadable (given time 0).
    public private(set) var untimed = 0

    init(options: Options = Options()) {
        self.options = options
        if let category = options.categoryField { schema.alias("event.category", to: category) }
    }

    /// Events timed by `timestampField` (epoch milliseconds or ISO-8601), ties ordered by `tiebreakerField` (nil: by
    /// input order); an event without a readable time is placed at time 0 and counted in ``untimed``.
    public init(timestampField: String, tiebreakerField: String?) {
        self.init(options: Options(timestampField: timestampField, tiebreakerField: tiebreakerField))
    }

    /// `query`'s results over the loaded events in Elasticsearch's order (see `BatchRunner`), each as
    /// `{"join_keys": [...], "events": [...]}` with the events as read (`{"missing": true}` for a missing-event
    /// stage). Throws `EQLError` when the query does not compile against the loaded fields.
    public func results(of query: String, limits: MatcherLimits = MatcherLimits(), size: Int? = nil) throws -> [FieldValue] {
        let compiled = try EQLCompiler(schema: schema).compile(query)
        return BatchRunner.run(compiled, events: events, limits: limits, size: size).map { match in
            let rendered: [FieldValue] = match.events.map { event in
                event.map { documents[$0.ordinal] } ?? .object([.init("missing", true)])
            }
            return .object([.init("join_keys", .array(match.joinKeys)), .init("events", .array(rendered))])
        }
    }

    /// Reads one input: a JSON array of objects, or one object per line.
    public mutating func load(_ bytes: [UInt8], source: String) throws {
        let cleaned = Self.blankingCommentLines(bytes)
        guard let first = cleaned.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) else { return }
        if first == UInt8(ascii: "[") {
            let value: FieldValue
            do { value = try JSONReader.parse(cleaned) } catch { throw JSONEventsError(source: source, message: "\(error)") }
            guard case .array(let elements) = value else { throw JSONEventsError(source: source, message: "expected an array") }
            for (index, element) in elements.enumerated() {
                try add(element, source: source, position: "element \(index + 1)")
            }
            return
        }
        var lineNumber = 0
        for line in cleaned.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.contains(where: { ![0x20, 0x09, 0x0D].contains($0) }) else { continue }
            let value: FieldValue
            do { value = try JSONReader.parse(Array(line)) } catch {
                throw JSONEventsError(source: source, message: "line \(lineNumber): \(error)")
            }
            try add(value, source: source, position: "line \(lineNumber)")
        }
    }

    /// Adds one event object.
    mutating func add(_ object: FieldValue, source: String = "input", position: String = "") throws {
        guard case .object = object else {
            throw JSONEventsError(source: source, message: "\(position): an event must be a JSON object")
        }
        var values: [FieldValue] = Array(repeating: .null, count: schema.names.count)
        func store(_ name: String, _ value: FieldValue) {
            let slot = schema.intern(name)
            if slot >= values.count { values.append(contentsOf: repeatElement(.null, count: slot - values.count + 1)) }
            values[slot] = value
        }
        Self.flatten(object, prefix: "", into: store)
        let ordinal = documents.count
        var timestamp: Int64 = 0
        let rawTime = schema.slot(for: options.timestampField).map { $0 < values.count ? values[$0] : .null } ?? .null
        if let nanos = options.timestampEncoding.nanos(rawTime) {
            timestamp = nanos
        } else if options.requireTimestamp {
            throw JSONEventsError(source: source, message: "\(position): no readable \(options.timestampField)")
        } else {
            untimed += 1
        }
        if let copy = options.timestampCopyField, !rawTime.isNull {
            store(copy, .int(timestamp / 1_000_000))
        }
        var tiebreaker = FieldValue.null
        if let field = options.tiebreakerField, let slot = schema.slot(for: field), slot < values.count {
            tiebreaker = values[slot]
        }
        documents.append(object)
        events.append(SlotEvent(values: values, timestamp: timestamp, tiebreaker: tiebreaker, ordinal: ordinal))
    }

    /// Nested objects become dotted names; dotted keys are taken as written. Arrays stay values; an array
    /// of objects also yields each member path as an array (`a.b` of `[{"b":1},{"b":2}]` is `[1,2]`).
    static func flatten(_ value: FieldValue, prefix: String, into store: (String, FieldValue) -> Void) {
        switch value {
        case .object(let entries):
            for entry in entries {
                flatten(entry.value, prefix: prefix.isEmpty ? entry.key : prefix + "." + entry.key, into: store)
            }
        case .array(let elements) where elements.contains(where: { if case .object = $0 { return true } else { return false } }):
            store(prefix, value)
            var members: [(String, [FieldValue])] = []
            for case .object(let entries) in elements {
                flatten(.object(entries), prefix: "") { name, member in
                    if let index = members.firstIndex(where: { $0.0 == name }) {
                        members[index].1.append(member)
                    } else {
                        members.append((name, [member]))
                    }
                }
            }
            for (name, memberValues) in members { store(prefix + "." + name, .array(memberValues)) }
        default:
            if !prefix.isEmpty { store(prefix, value) }
        }
    }

    /// Replaces `//` comment lines with blanks (Elasticsearch's parser accepts them in data files).
    static func blankingCommentLines(_ bytes: [UInt8]) -> [UInt8] {
        var output = bytes
        var lineStart = true
        var index = 0
        while index < output.count {
            let byte = output[index]
            if byte == 0x0A { lineStart = true; index += 1; continue }
            if lineStart && (byte == 0x20 || byte == 0x09) { index += 1; continue }
            if lineStart && byte == UInt8(ascii: "/") && index + 1 < output.count && output[index + 1] == UInt8(ascii: "/") {
                while index < output.count && output[index] != 0x0A { output[index] = 0x20; index += 1 }
                continue
            }
            lineStart = false
            index += 1
        }
        return output
    }
}
