import Alerting
import EventModel

/// Cumulative loss counters of a running daemon, one per cause. Every one of them means audit data auspex did not
/// see or could not act on: an attacker who floods the sensor must not go unnoticed, so each becomes evidence.
struct LossCounts: Hashable, Sendable {
    /// The kernel's `lost` (AUDIT_GET) since start: records the kernel dropped (backlog full, rate limit).
    var kernelLost: UInt64 = 0
    /// ENOBUFS on the netlink socket: the socket buffer overflowed and the kernel dropped datagrams.
    var enobufs: UInt64 = 0
    /// Records the reader could not queue for the processing thread (the record queue was full).
    var queueDropped: UInt64 = 0
    /// Records the reassembler could not place in an event (late records of an event already completed).
    var reassemblyLost: UInt64 = 0
    /// Events completed early because too many were in flight (`max_events_in_flight`).
    var reassemblyEvicted: UInt64 = 0
    /// Partial sequences and samples evicted by the per-rule caps (`max_sequences_per_rule`).
    var ruleStateEvicted: UInt64 = 0
    /// Alerts a sink dropped because its queue was full.
    var sinkDropped: UInt64 = 0

    init(kernelLost: UInt64 = 0, enobufs: UInt64 = 0, queueDropped: UInt64 = 0, reassemblyLost: UInt64 = 0,
                reassemblyEvicted: UInt64 = 0, ruleStateEvicted: UInt64 = 0, sinkDropped: UInt64 = 0) {
        (self.kernelLost, self.enobufs, self.queueDropped) = (kernelLost, enobufs, queueDropped)
        (self.reassemblyLost, self.reassemblyEvicted) = (reassemblyLost, reassemblyEvicted)
        (self.ruleStateEvicted, self.sinkDropped) = (ruleStateEvicted, sinkDropped)
    }

    /// Field names (document `auspex.loss.<name>`, journal `AUSPEX_LOSS_<NAME>`) and values, in a fixed order.
    var causes: [(name: String, count: UInt64)] {
        [("kernel_lost", kernelLost), ("enobufs", enobufs), ("queue_dropped", queueDropped),
         ("reassembly_lost", reassemblyLost), ("reassembly_evicted", reassemblyEvicted),
         ("rule_state_evicted", ruleStateEvicted), ("sink_dropped", sinkDropped)]
    }

    var total: UInt64 { causes.reduce(0) { $0 &+ $1.count } }

    /// What happened since `earlier`, per cause (a counter that went backwards counts 0).
    func since(_ earlier: LossCounts) -> LossCounts {
        func d(_ a: UInt64, _ b: UInt64) -> UInt64 { a > b ? a - b : 0 }
        return LossCounts(kernelLost: d(kernelLost, earlier.kernelLost), enobufs: d(enobufs, earlier.enobufs),
                          queueDropped: d(queueDropped, earlier.queueDropped),
                          reassemblyLost: d(reassemblyLost, earlier.reassemblyLost),
                          reassemblyEvicted: d(reassemblyEvicted, earlier.reassemblyEvicted),
                          ruleStateEvicted: d(ruleStateEvicted, earlier.ruleStateEvicted),
                          sinkDropped: d(sinkDropped, earlier.sinkDropped))
    }
}

/// Loss found in one window: the counts per cause and when the window began and ended (wall clock).
struct LossReport: Hashable, Sendable {
    var counts: LossCounts
    var windowStart: AlertTime
    var windowEnd: AlertTime
}

/// Decides when loss becomes a blind-spot alert: as soon as it is seen, then at most once per `interval`; loss
/// seen in between is carried into the next report, so nothing is forgotten. The window of a report starts at the
/// last check that found nothing unreported (or at the previous report) and ends now.
///
/// Driven by the daemon's main loop, not the processing thread: it must fire exactly when that thread is saturated.
struct LossMonitor: Sendable {
    private(set) var intervalNanoseconds: Int64
    /// Counts already reported (or present at start).
    private var reported: LossCounts
    private var windowStart: AlertTime
    private var lastReport: Int64?
    /// Reports made so far (`loss_alerts`).
    private(set) var reports: UInt64 = 0

    init(intervalSeconds: Int, initial: LossCounts = LossCounts(), wallClock: AlertTime) {
        intervalNanoseconds = Int64(max(1, intervalSeconds)) * 1_000_000_000
        reported = initial
        windowStart = wallClock
    }

    /// A new interval (a reload); what was reported and when stays.
    mutating func setInterval(seconds: Int) {
        intervalNanoseconds = Int64(max(1, seconds)) * 1_000_000_000
    }

    /// Compares `counts` (cumulative) with what was reported; returns a report when there is new loss and the
    /// last report is at least `interval` old. `monotonic` orders the checks, `wallClock` stamps the window.
    mutating func check(_ counts: LossCounts, monotonic: Int64, wallClock: AlertTime) -> LossReport? {
        let new = counts.since(reported)
        guard new.total > 0 else {
            windowStart = wallClock
            return nil
        }
        if let lastReport, monotonic - lastReport < intervalNanoseconds { return nil }
        let report = LossReport(counts: new, windowStart: windowStart, windowEnd: wallClock)
        reported = counts
        windowStart = wallClock
        lastReport = monotonic
        reports += 1
        return report
    }
}

/// The blind-spot alert and its journal warning.
enum BlindSpotAlert {
    /// `MESSAGE_ID` of the journal warning (generated once; distinct from the alert id
    /// `e9f10111b32d456f862be33190266186`, which the alert document's own journal entry carries).
    static let messageID = "e0f324042df14c50b5c694ebe505d447"
    static let rule = AlertRule(
        id: "ec7026d1-eabc-4fbc-9668-58e78950560a", name: "auspex lost audit events", severity: .high, riskScore: 73,
        tags: ["auspex", "Sensor Health", "Tactic: Defense Evasion"],
        threats: [AlertRule.Threat(
            tactic: .init(id: "TA0005", name: "Defense Evasion", reference: "https://attack.mitre.org/tactics/TA0005/"),
            techniques: [.init(.init(id: "T1562", name: "Impair Defenses",
                                     reference: "https://attack.mitre.org/techniques/T1562/"),
                               subtechniques: [.init(id: "T1562.012", name: "Disable or Modify Linux Audit System",
                                                     reference: "https://attack.mitre.org/techniques/T1562/012/")])])])

    /// The alert document: `rule.name` "auspex lost audit events", `event.start`/`end` the window, and
    /// `auspex.loss.*` the counts per cause, their total and the window.
    static func alert(for report: LossReport, host: Document, created: AlertTime = .now()) -> Alert {
        var alert = Alert(rule: rule, events: [], host: host, firstEventTime: report.windowStart,
                          lastEventTime: report.windowEnd, created: created)
        var fields = Document()
        for (name, count) in report.counts.causes { fields.append("auspex.loss." + name, .int(Int64(clamping: count))) }
        fields.append("auspex.loss.total", .int(Int64(clamping: report.counts.total)))
        fields.append("auspex.loss.window.start", .string(report.windowStart.rfc3339))
        fields.append("auspex.loss.window.end", .string(report.windowEnd.rfc3339))
        fields.append("auspex.loss.window.seconds", .double(seconds(report)))
        alert.fields = fields
        let hostName = host["name"].flatMap(ReasonLine.text(of:)).map { " on " + ReasonLine.escape($0, limit: 64) } ?? ""
        alert.reason = "auspex lost audit events (high, risk 73): \(summary(report))\(hostName)"
        return alert
    }

    /// `1234 lost in 10.0 s (queue_dropped 1200, kernel_lost 34)`: only the causes that counted.
    static func summary(_ report: LossReport) -> String {
        let parts = report.counts.causes.filter { $0.count > 0 }.map { "\($0.name) \($0.count)" }
        let window = (seconds(report) * 10).rounded() / 10
        return "\(report.counts.total) lost in \(window) s (" + parts.joined(separator: ", ") + ")"
    }

    /// The journal warning for a blind-spot alert: PRIORITY 4, its own MESSAGE_ID, one field per cause.
    @Sendable static func warningFields(for alert: Alert) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        func add(_ name: String, _ value: String) { fields.append((name, value)) }
        let start = alert.fields["auspex.loss.window.start"].flatMap(ReasonLine.text(of:)) ?? alert.firstEventTime.rfc3339
        let end = alert.fields["auspex.loss.window.end"].flatMap(ReasonLine.text(of:)) ?? alert.lastEventTime.rfc3339
        let total = alert.fields["auspex.loss.total"].flatMap(ReasonLine.text(of:)) ?? "?"
        let causes = LossCounts().causes.compactMap { cause -> (String, String)? in
            alert.fields["auspex.loss." + cause.name].flatMap(ReasonLine.text(of:)).map { (cause.name, $0) }
        }
        add("MESSAGE", "auspex is blind: \(total) audit records/events lost between \(start) and \(end) ("
            + causes.map { "\($0.0)=\($0.1)" }.joined(separator: " ") + ")")
        add("PRIORITY", "4")
        add("SYSLOG_IDENTIFIER", JournalEntry.syslogIdentifier)
        add("MESSAGE_ID", messageID)
        add("AUSPEX_ALERT_ID", alert.id)
        for (name, value) in causes { add("AUSPEX_LOSS_" + name.uppercased(), value) }
        add("AUSPEX_LOSS_TOTAL", total)
        add("AUSPEX_LOSS_WINDOW_START", start)
        add("AUSPEX_LOSS_WINDOW_END", end)
        if let hostName = alert.host["name"].flatMap(ReasonLine.text(of:)) { add("AUSPEX_HOST_NAME", hostName) }
        return fields
    }

    private static func seconds(_ report: LossReport) -> Double {
        Double(max(0, report.windowEnd.nanosecondsSinceEpoch - report.windowStart.nanosecondsSinceEpoch)) / 1e9
    }
}
