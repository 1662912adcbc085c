import EventModel

/// One detection: the rule that matched, the matched events in order, and what an operator reads first.
///
/// Built once per match by the daemon (or `auspex replay`) and handed to every sink unchanged.
/// `document` is the JSON shape the spool, stdout and `AUSPEX_ALERT_JSON` carry (see AlertDocument.swift).
public struct Alert: Hashable, Sendable {
    /// A random 128-bit id in UUID form, unique per alert (journald `AUSPEX_ALERT_ID`, spool file name).
    public var id: String
    public var rule: AlertRule
    /// The matched events, in match order (one for event queries, one per stage for sequences and samples).
    var events: [Document]
    /// The values of the query's `by` / `join` keys, in query order (empty for plain event queries).
    var joinKeys: [FieldValue]
    /// The host the events came from, names relative to `host.` (`id`, `name`, `os.type`, …).
    public var host: Document
    public var firstEventTime: AlertTime
    public var lastEventTime: AlertTime
    var created: AlertTime
    /// One printable line: rule, severity, what ran, which pid, who, where it connected. Hostile values are
    /// escaped and bounded (see `ReasonLine`).
    public var reason: String
    /// Extra top-level fields of the document (dotted names from the root, e.g. `auspex.loss.queue_dropped`),
    /// written after `auspex.alert.*`; empty for rule alerts.
    public var fields: Document = Document()
    /// Where this alert stands in its suppression group (nil when suppression does not apply).
    var suppression: Suppression?
    /// Values cut to keep the alert within its limits (see `AlertLimits`), with their original sizes.
    var truncations: [Truncation] = []
    /// Matched events left out because even cut values did not fit the alert's byte cap.
    var eventsOmitted = 0
    /// Size of the JSON document once bounded (`AlertLimits.bound`); 0 when not measured yet.
    var encodedBytes = 0

    /// Builds an alert. Missing times are taken from the events' `@timestamp` (earliest / latest), then from
    /// `created`; a missing host is taken from the first event that has `host.*` fields.
    public init(rule: AlertRule, events: [Document], joinKeys: [FieldValue] = [], host: Document? = nil,
                firstEventTime: AlertTime? = nil, lastEventTime: AlertTime? = nil,
                created: AlertTime = .now(), id: String = Alert.newID())
    {
        self.id = id
        self.rule = rule
        self.events = events
        self.joinKeys = joinKeys
        self.host = host ?? Alert.hostFields(of: events)
        let eventTimes = events.compactMap { $0["@timestamp"]?.stringValue.flatMap(AlertTime.init(rfc3339:)) }
        self.firstEventTime = firstEventTime ?? eventTimes.min() ?? created
        self.lastEventTime = lastEventTime ?? eventTimes.max() ?? created
        self.created = created
        self.reason = ReasonLine.build(rule: rule, events: events, host: self.host)
    }

    /// A fresh random id, RFC 4122 version 4 form (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`).
    public static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex: [Character] = Array("0123456789abcdef")
        var text = ""
        for (index, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(index) { text.append("-") }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0xF)])
        }
        return text
    }

    /// The first value of a field in event order (the process that ran, the address it connected to, …).
    func firstValue(of name: String) -> FieldValue? {
        Alert.firstValue(of: name, in: events)
    }

    static func firstValue(of name: String, in events: [Document]) -> FieldValue? {
        for event in events {
            if let value = event[name], !value.isNull { return value }
        }
        return nil
    }

    /// `host.*` fields of the first event that has any, with the `host.` prefix removed.
    static func hostFields(of events: [Document]) -> Document {
        for event in events {
            var host = Document()
            for field in event.fields where field.name.hasPrefix("host.") {
                host.append(String(field.name.dropFirst(5)), field.value)
            }
            if !host.isEmpty { return host }
        }
        return Document()
    }
}
