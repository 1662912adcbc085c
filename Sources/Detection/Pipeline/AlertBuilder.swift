import Alerting
import EventModel
import Events

/// Turns rule matches into alerts: the rule's metadata, the matched documents in stage order, the join-key values
/// and this host's identity. The documents are the audit documents, except that a Defend rule's matched fork event
/// shows the child's `process.pid`/`entity_id` and the caller as `process.parent.*` (``RuleMatch/events``), as
/// the rule saw them, so the document agrees with the join keys.
struct AlertBuilder: Sendable {
    /// `host.*` (names relative to `host.`) stamped on every alert.
    let host: Document

    init(host: HostInfo) {
        self.host = host.document
    }

    /// The alert for `match` of a rule in `ruleSet`, showing `documents` (the match's, ``RuleMatch/documents(_:)``).
    func alert(for match: RuleMatch, documents: [Document], in ruleSet: RuleSet, created: AlertTime = .now()) -> Alert {
        Alert(rule: ruleSet.rules[match.rule].alertRule, events: documents, joinKeys: match.joinKeys, host: host,
              created: created)
    }
}
