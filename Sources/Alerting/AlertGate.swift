import EventModel

/// What happens to alerts between the rules and the sinks (`[alerts]` in auspex.toml).
public struct AlertPolicy: Hashable, Sendable {
    var limits = AlertLimits()
    /// The default suppression of rules without `[rule.alert_suppression]`: one alert per rule and process
    /// (`process.entity_id` of the first matched event) per `duplicateWindowNanos`.
    var suppressDuplicates = true
    var duplicateWindowNanos: Int64 = 60_000_000_000
    /// Per-rule token bucket: alerts per minute (0 = no limit) and the burst it allows. The first alert of a new
    /// suppression group and suppression summaries always pass.
    var ratePerMinute = 120
    var rateBurst = 60
    /// Open suppression groups kept at once; beyond this the group whose window ends first is closed early.
    var maxGroups = 10_000

    public init() {}

    public init(limits: AlertLimits, suppressDuplicates: Bool, duplicateWindowNanos: Int64, ratePerMinute: Int,
                rateBurst: Int, maxGroups: Int) {
        self.limits = limits
        self.suppressDuplicates = suppressDuplicates
        self.duplicateWindowNanos = duplicateWindowNanos
        self.ratePerMinute = ratePerMinute
        self.rateBurst = rateBurst
        self.maxGroups = maxGroups
    }

    /// No suppression and no rate limit, with this policy's size limits: every alert passes, bounded.
    public var unsuppressed: AlertPolicy {
        var policy = AlertPolicy()
        policy.limits = limits
        policy.suppressDuplicates = false
        policy.ratePerMinute = 0
        return policy
    }
}

/// What the gate did, cumulative.
public struct AlertGateCounters: Hashable, Sendable, CustomStringConvertible {
    /// Alerts offered by the rules.
    var raised: UInt64 = 0
    /// Alerts passed on to the sinks (summaries not included).
    var passed: UInt64 = 0
    /// Alerts merged into an open suppression group.
    var suppressed: UInt64 = 0
    /// Summary records raised when a window closed with a count.
    var summaries: UInt64 = 0
    /// Alerts dropped by a rule's rate limit.
    var rateLimited: UInt64 = 0
    /// Alerts with at least one value cut, or events left out, to fit the limits.
    var truncated: UInt64 = 0
    /// Groups closed early because `maxGroups` were open.
    var groupsEvicted: UInt64 = 0

    init() {}

    /// By the names the summary, the state file (`alerts.NAME`) and the metrics (`outcome`) use, in their order.
    public var named: [(name: String, value: UInt64)] {
        [("raised", raised), ("passed", passed), ("suppressed", suppressed), ("summaries", summaries),
         ("rate_limited", rateLimited), ("truncated", truncated), ("groups_evicted", groupsEvicted)]
    }

    public var description: String { named.map { "\($0.name)=\($0.value)" }.joined(separator: " ") }
}

/// The stage after matching: alert suppression (a rule's `[rule.alert_suppression]`, or the default duplicate
/// suppression), per-rule rate limits and size bounds. Streaming: the first alert of a group goes out at once,
/// later ones in its window are counted, and when the window closes with a count one summary record carries the
/// count and the window. One thread owns a gate; `now` is the wall clock live and event time in a replay.
public struct AlertGate {
    public var policy: AlertPolicy
    public private(set) var counters = AlertGateCounters()
    /// Per rule id: alerts suppressed and alerts dropped by the rate limit.
    public private(set) var suppressedByRule: [String: UInt64] = [:]
    public private(set) var rateLimitedByRule: [String: UInt64] = [:]
    private var groups: [String: Group] = [:]
    private var nextWindowEnd = Int64.max
    private var buckets: [String: Bucket] = [:]

    public init(policy: AlertPolicy = AlertPolicy()) {
        self.policy = policy
    }

    /// Open suppression groups.
    var openGroups: Int { groups.count }

    private struct Group {
        var rule: AlertRule
        var host: Document
        var firstAlertID: String
        var terms: [(field: String, value: FieldValue)]
        var instanceID: String
        var windowStart: Int64
        var windowEnd: Int64
        var count = 0
        var start: AlertTime
        var end: AlertTime
    }

    private struct Bucket {
        var tokens: Double
        var updated: Int64
    }

    /// Offers one alert raised by the rules; appends what goes to the sinks (the bounded alert, nothing, or
    /// summaries of windows that closed by `now`).
    public mutating func offer(_ alert: Alert, now: AlertTime, into out: inout [Alert]) {
        tick(now: now, into: &out)
        counters.raised += 1
        let time = now.nanosecondsSinceEpoch
        var alert = alert
        if let (terms, window) = groupKey(of: alert) {
            let instanceID = Self.instanceID(rule: alert.rule.id, terms: terms)
            if var group = groups[instanceID], time < group.windowEnd {
                group.count += 1
                group.start = min(group.start, alert.firstEventTime)
                group.end = max(group.end, alert.lastEventTime)
                groups[instanceID] = group
                counters.suppressed += 1
                suppressedByRule[alert.rule.id, default: 0] += 1
                return
            }
            if let stale = groups.removeValue(forKey: instanceID) { close(stale, now: now, into: &out) }
            if groups.count >= policy.maxGroups { evictOne(now: now, into: &out) }
            let group = Group(rule: alert.rule, host: alert.host, firstAlertID: alert.id, terms: terms,
                              instanceID: instanceID, windowStart: time, windowEnd: time &+ window,
                              start: alert.firstEventTime, end: alert.lastEventTime)
            groups[instanceID] = group
            nextWindowEnd = min(nextWindowEnd, group.windowEnd)
            alert.suppression = Alert.Suppression(
                terms: terms, instanceID: instanceID, docsCount: 0, start: alert.firstEventTime, end: alert.lastEventTime,
                windowStart: now, windowEnd: AlertTime(nanosecondsSinceEpoch: group.windowEnd))
            _ = takeToken(rule: alert.rule.id, now: time) // the first alert of a group always goes out
        } else if !takeToken(rule: alert.rule.id, now: time) {
            counters.rateLimited += 1
            rateLimitedByRule[alert.rule.id, default: 0] += 1
            return
        }
        counters.passed += 1
        out.append(bounded(alert))
    }

    /// Closes the windows that ended by `now`, appending a summary for each that suppressed alerts.
    public mutating func tick(now: AlertTime, into out: inout [Alert]) {
        let time = now.nanosecondsSinceEpoch
        guard time >= nextWindowEnd else { return }
        var next = Int64.max
        var ended: [Group] = []
        for (key, group) in groups {
            if group.windowEnd <= time {
                ended.append(group)
                groups[key] = nil
            } else {
                next = min(next, group.windowEnd)
            }
        }
        nextWindowEnd = next
        for group in ended.sorted(by: { $0.windowEnd < $1.windowEnd }) { close(group, now: now, into: &out) }
    }

    /// End of input or shutdown: every open window closes now.
    public mutating func finish(now: AlertTime, into out: inout [Alert]) {
        let open = groups.values.sorted { $0.windowEnd < $1.windowEnd }
        groups.removeAll()
        nextWindowEnd = .max
        for group in open { close(group, now: now, into: &out) }
    }

    // MARK: groups

    /// The group terms and window of an alert, or nil when it is not suppressed (suppression off, or a field
    /// missing under `doNotSuppress`).
    private func groupKey(of alert: Alert) -> ([(field: String, value: FieldValue)], Int64)? {
        if let suppression = alert.rule.suppression {
            var terms: [(field: String, value: FieldValue)] = []
            for field in suppression.groupBy {
                let value = Self.commonValue(of: field, in: alert.events)
                if value.isNull && suppression.missingFields == .doNotSuppress { return nil }
                terms.append((field, value))
            }
            return (terms, suppression.durationNanos)
        }
        guard policy.suppressDuplicates else { return nil }
        guard let entity = alert.firstValue(of: "process.entity_id") else { return nil }
        return ([("process.entity_id", entity)], policy.duplicateWindowNanos)
    }

    /// The value of `field` when every matched event has the same one (a sequence's shell alert keeps only the
    /// fields common to all its events); an array counts as one value, sorted. Null when missing or different.
    static func commonValue(of field: String, in events: [Document]) -> FieldValue {
        var common: FieldValue?
        for event in events {
            guard var value = event[field], !value.isNull else { return .null }
            if case .array(let items) = value {
                value = .array(items.sorted { JSONWriter.string($0) < JSONWriter.string($1) })
            }
            if let common, common != value { return .null }
            common = value
        }
        return common ?? .null
    }

    /// Kibana's `kibana.alert.instance.id`: a hash of the rule id and the terms (FNV-1a, 128 bits in hex).
    static func instanceID(rule: String, terms: [(field: String, value: FieldValue)]) -> String {
        var text = rule
        for term in terms { text += "\u{1F}" + term.field + "\u{1E}" + JSONWriter.string(term.value) }
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in text.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b &* 0x0000_0100_0000_01b3) ^ UInt64(byte)
        }
        return hex(a) + hex(b)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private mutating func evictOne(now: AlertTime, into out: inout [Alert]) {
        guard let oldest = groups.min(by: { $0.value.windowEnd < $1.value.windowEnd }) else { return }
        groups[oldest.key] = nil
        counters.groupsEvicted += 1
        close(oldest.value, now: now, into: &out)
    }

    private mutating func close(_ group: Group, now: AlertTime, into out: inout [Alert]) {
        guard group.count > 0 else { return }
        counters.summaries += 1
        out.append(bounded(Self.summary(of: group, created: now)))
    }

    private static func summary(of group: Group, created: AlertTime) -> Alert {
        var alert = Alert(rule: group.rule, events: [], host: group.host, firstEventTime: group.start,
                          lastEventTime: group.end, created: created)
        let windowEnd = AlertTime(nanosecondsSinceEpoch: group.windowEnd)
        alert.suppression = Alert.Suppression(
            terms: group.terms, instanceID: group.instanceID, docsCount: group.count, start: group.start,
            end: group.end, windowStart: AlertTime(nanosecondsSinceEpoch: group.windowStart), windowEnd: windowEnd,
            summaryOf: group.firstAlertID)
        let terms = group.terms.map { $0.field + "=" + (ReasonLine.text(of: $0.value) ?? JSONWriter.string($0.value)) }
        let seconds = (group.windowEnd - group.windowStart) / 1_000_000_000
        let line = ReasonLine.escape(group.rule.name, limit: ReasonLine.maxValueBytes)
            + " (\(group.rule.severity.rawValue), risk \(group.rule.riskScore)): \(group.count) more "
            + (group.count == 1 ? "alert" : "alerts") + " suppressed in \(seconds) s after alert \(group.firstAlertID) ("
            + ReasonLine.escape(terms.joined(separator: " "), limit: 300) + ")"
            + (alert.host["name"].flatMap(ReasonLine.text(of:)).map { " on " + ReasonLine.escape($0, limit: 64) } ?? "")
        alert.reason = ReasonLine.escape(line, limit: ReasonLine.maxBytes)
        return alert
    }

    // MARK: rate limit and bounds

    private mutating func takeToken(rule: String, now: Int64) -> Bool {
        guard policy.ratePerMinute > 0 else { return true }
        let burst = Double(max(policy.rateBurst, 1))
        var bucket = buckets[rule] ?? Bucket(tokens: burst, updated: now)
        let elapsed = Double(max(now - bucket.updated, 0)) / 60e9
        bucket.tokens = min(burst, bucket.tokens + elapsed * Double(policy.ratePerMinute))
        bucket.updated = max(bucket.updated, now)
        let granted = bucket.tokens >= 1
        if granted { bucket.tokens -= 1 }
        buckets[rule] = bucket
        return granted
    }

    private mutating func bounded(_ alert: Alert) -> Alert {
        let result = policy.limits.bound(alert)
        if result.truncations.count > alert.truncations.count || result.eventsOmitted > 0 { counters.truncated += 1 }
        return result
    }
}
