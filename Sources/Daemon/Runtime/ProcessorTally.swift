import Alerting
import AuditRecords

/// What the processing thread handed on, by kind: records by audit record type and alerts by rule and severity.
/// Kept by the processing thread alone; copied into each `ProcessorSnapshot`.
struct ProcessorTally: Sendable {
    /// An alerting rule as the metrics and `auspex status` name it.
    struct RuleKey: Hashable, Sendable, Comparable {
        var id: String
        var name: String
        var severity: String
        static func < (a: RuleKey, b: RuleKey) -> Bool { (a.id, a.severity) < (b.id, b.severity) }
    }

    /// Alerts the rules handed to the sinks (suppression summaries included; blind-spot alerts are `loss_alerts`),
    /// per rule and severity.
    private(set) var alertsByRule: [RuleKey: UInt64] = [:]
    private var records = RecordTypeCounts()

    mutating func countRecord(type: UInt16) {
        records.count(type)
    }

    mutating func countAlert(_ alert: Alert) {
        alertsByRule[RuleKey(id: alert.rule.id, name: alert.rule.name, severity: alert.rule.severity.rawValue), default: 0] &+= 1
    }

    /// Record types seen, by name, with counts.
    var recordsByType: [(type: String, count: UInt64)] { records.byName }
}
