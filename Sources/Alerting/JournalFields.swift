import EventModel

/// One journal field: a validated name and a value of any bytes.
struct JournalField: Hashable, Sendable {
    let name: String
    let value: [UInt8]

    /// Nil when `name` is not a valid journal field name (see `isValidName`).
    init?(_ name: String, _ value: [UInt8]) {
        guard JournalField.isValidName(name) else { return nil }
        self.name = name
        self.value = value
    }

    init?(_ name: String, _ value: String) {
        self.init(name, Array(value.utf8))
    }

    /// journald's rule: 1…64 characters of `A–Z`, `0–9`, `_`, not starting with `_` (trusted fields) or a digit.
    /// journald silently drops anything else, so we refuse it up front.
    static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...64).contains(bytes.count), bytes[0] != UInt8(ascii: "_"),
              !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[0]) else { return false }
        return bytes.allSatisfy {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "_")
        }
    }
}

/// The journal entry of an alert.
///
/// | field | value |
/// |---|---|
/// | `MESSAGE` | the reason line (one line, escaped) |
/// | `PRIORITY` | from severity: critical 2, high 3, medium 4, low 5 |
/// | `SYSLOG_IDENTIFIER` | `auspex` |
/// | `MESSAGE_ID` | `e9f10111b32d456f862be33190266186` (every auspex alert) |
/// | `AUSPEX_ALERT_ID`, `AUSPEX_RULE_ID`, `AUSPEX_RULE_NAME`, `AUSPEX_SEVERITY`, `AUSPEX_RISK_SCORE` | alert and rule identity |
/// | `AUSPEX_TACTIC_ID`, `AUSPEX_TECHNIQUE_ID` | repeated, one per MITRE tactic / (sub)technique (at most 32) |
/// | `AUSPEX_TAG` | repeated, one per rule tag (at most 32) |
/// | `AUSPEX_HOST_ID`, `AUSPEX_HOST_NAME` | the alert's host |
/// | `AUSPEX_PROCESS_PID`, `…_NAME`, `…_EXECUTABLE`, `…_PARENT_PID`, `…_PARENT_NAME`, `AUSPEX_USER_ID`, `AUSPEX_USER_NAME`, `AUSPEX_SOURCE_IP`, `…_PORT`, `AUSPEX_DESTINATION_IP`, `…_PORT` | first value in event order |
/// | `AUSPEX_EVENT_COUNT` | matched events |
/// | `AUSPEX_SUPPRESSION_ID`, `AUSPEX_SUPPRESSED_COUNT`, `AUSPEX_SUPPRESSION_START`, `…_END`, `AUSPEX_SUPPRESSION_WINDOW_START`, `…_END`, `AUSPEX_SUPPRESSION_SUMMARY_OF` | suppression (see `JournalEntry.addSuppressionFields`) |
/// | `AUSPEX_ALERT_JSON` | the whole alert document |
///
/// Values are raw (they may hold newlines or any byte: sd_journal_sendv then uses the length-prefixed form, so
/// nothing in a value can start another field); event values are cut at `maxEventValueBytes`.
public enum JournalEntry {
    /// Fixed `MESSAGE_ID` of every alert (generated once with `systemd-id128 new`); `journalctl MESSAGE_ID=…`
    /// lists all auspex alerts, and a catalog entry can explain them.
    static let messageID = "e9f10111b32d456f862be33190266186"
    public static let syslogIdentifier = "auspex"
    static let maxEventValueBytes = 4096
    /// Repeated fields (tags, techniques) per entry; journald refuses entries of more than 1024 fields.
    static let maxRepeatedFields = 32

    /// ECS fields copied from the events, with their journal names.
    static let eventFields: [(ecs: String, journal: String)] = [
        "process.pid", "process.name", "process.executable", "process.parent.pid", "process.parent.name",
        "user.id", "user.name", "source.ip", "source.port", "destination.ip", "destination.port",
    ].map { ($0, "AUSPEX_" + $0.uppercased().replacingDots()) }

    /// The fields of one alert, in a stable order.
    static func fields(for alert: Alert) -> [JournalField] {
        var fields: [JournalField] = []
        func add(_ name: String, _ value: String) {
            // Our names are constants checked by the tests; a nil here would be a programming error, dropped.
            if let field = JournalField(name, value) { fields.append(field) }
        }
        func addBytes(_ name: String, _ value: [UInt8]) {
            if let field = JournalField(name, value) { fields.append(field) }
        }
        add("MESSAGE", oneLine(alert.reason))
        add("PRIORITY", String(alert.rule.severity.syslogPriority))
        add("SYSLOG_IDENTIFIER", syslogIdentifier)
        add("MESSAGE_ID", messageID)
        add("AUSPEX_ALERT_ID", alert.id)
        add("AUSPEX_RULE_ID", alert.rule.id)
        add("AUSPEX_RULE_NAME", alert.rule.name)
        add("AUSPEX_SEVERITY", alert.rule.severity.rawValue)
        add("AUSPEX_RISK_SCORE", String(alert.rule.riskScore))
        let threats = alert.rule.threats
        for tactic in threats.map(\.tactic).prefix(maxRepeatedFields) { add("AUSPEX_TACTIC_ID", tactic.id) }
        let techniques = threats.flatMap(\.techniques).flatMap { [$0.entry] + $0.subtechniques }
        for technique in techniques.prefix(maxRepeatedFields) { add("AUSPEX_TECHNIQUE_ID", technique.id) }
        for tag in alert.rule.tags.prefix(maxRepeatedFields) { add("AUSPEX_TAG", tag) }
        if let hostID = alert.host["id"].flatMap(ReasonLine.text(of:)) { add("AUSPEX_HOST_ID", hostID) }
        if let hostName = alert.host["name"].flatMap(ReasonLine.text(of:)) { add("AUSPEX_HOST_NAME", hostName) }
        for (ecs, journal) in eventFields {
            guard let value = alert.firstValue(of: ecs).flatMap(ReasonLine.text(of:)) else { continue }
            addBytes(journal, UntrustedText.utf8Prefix(value, maxBytes: maxEventValueBytes))  // whole characters
        }
        add("AUSPEX_EVENT_COUNT", String(alert.events.count))
        addSuppressionFields(of: alert, add)
        addBytes("AUSPEX_ALERT_JSON", Array(alert.json.utf8))
        return fields
    }

    /// MESSAGE must stay one line even when a caller replaced `reason` by hand.
    static func oneLine(_ text: String) -> String {
        UntrustedText.needsEscaping(text) ? ReasonLine.escape(text, limit: ReasonLine.maxBytes) : text
    }
}

extension String {
    fileprivate func replacingDots() -> String {
        String(map { $0 == "." ? "_" : $0 })
    }
}
