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
    /// Records per type, indexed by type number: audit types are below 4096 (the last slot counts the rest), so
    /// counting is an array increment on the hot path.
    private var records = [UInt64](repeating: 0, count: Self.typeSlots + 1)
    private static let typeSlots = 4096

    mutating func countRecord(type: UInt16) {
        records[min(Int(type), Self.typeSlots)] &+= 1
    }

    mutating func countAlert(_ alert: Alert) {
        alertsByRule[RuleKey(id: alert.rule.id, name: alert.rule.name, severity: alert.rule.severity.rawValue), default: 0] &+= 1
    }

    /// Record types seen, by name (`SYSCALL`, `EXECVE`, `UNKNOWN[…]`; types from 4096 up as `OTHER`), with counts.
    var recordsByType: [(type: String, count: UInt64)] {
        records.indices.compactMap { index in
            guard records[index] > 0 else { return nil }
            let name = index == Self.typeSlots ? "OTHER" : AuditRecordType(UInt16(index)).name
            return (name, records[index])
        }
    }
}
