import EventModel

/// The identity and metadata of the rule that produced an alert, as detection-rules TOML states them.
///
/// Alerting does not depend on the rule loader: the loader reads ``Severity`` and ``Threat`` as they are, and
/// Detection copies the fields from the loaded rule.
public struct AlertRule: Hashable, Sendable {
    /// `rule.rule_id` (a UUID in detection-rules).
    public var id: String
    public var name: String
    public var severity: Severity
    /// `rule.risk_score`, 0…100.
    var riskScore: Int
    var tags: [String]
    var threats: [Threat]
    /// `rule.version` when the file states one.
    var version: Int?
    /// `rule.description`, `rule.references`, `rule.author`, `rule.license` (ECS `rule.*` in the document).
    var description: String
    var references: [String]
    var author: [String]
    var license: String?
    /// ECS `rule.ruleset`: where the rule comes from (`elastic/detection-rules` for Elastic's, else `auspex`).
    var ruleset: String
    /// `[rule.alert_suppression]`; nil means the default of `[alerts] suppress_duplicates`.
    var suppression: AlertSuppression?

    public init(id: String, name: String, severity: Severity, riskScore: Int, tags: [String] = [],
                threats: [Threat] = [], version: Int? = nil, description: String = "", references: [String] = [],
                author: [String] = [], license: String? = nil, ruleset: String? = nil,
                suppression: AlertSuppression? = nil)
    {
        self.id = id
        self.name = name
        self.severity = severity
        self.riskScore = min(max(riskScore, 0), 100)
        self.tags = tags
        self.threats = threats
        self.version = version
        self.description = description
        self.references = references
        self.author = author
        self.license = license
        self.ruleset = ruleset ?? (author.contains("Elastic") ? "elastic/detection-rules" : "auspex")
        self.suppression = suppression
    }

    /// Rule severity, ordered from least to most severe.
    public enum Severity: String, CaseIterable, Comparable, Hashable, Sendable {
        case low, medium, high, critical

        /// Reads a TOML `severity` value case-insensitively; nil for anything unknown.
        init?(name: String) {
            self.init(rawValue: name.lowercased())
        }

        /// The syslog priority journald stores in `PRIORITY=`:
        /// critical → 2 (crit), high → 3 (err), medium → 4 (warning), low → 5 (notice).
        /// journald syncs priorities ≤ 2 to disk immediately, so only critical alerts force a sync.
        var syslogPriority: Int {
            switch self {
            case .critical: return 2
            case .high: return 3
            case .medium: return 4
            case .low: return 5
            }
        }

        /// `event.severity` as Elastic's "External Alerts" rule maps it back: 21 low, 47 medium, 73 high, 99 critical.
        var eventSeverity: Int {
            switch self {
            case .low: return 21
            case .medium: return 47
            case .high: return 73
            case .critical: return 99
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// One `[[rule.threat]]` entry: a framework (`MITRE ATT&CK` or `MITRE ATLAS`), a tactic and the techniques
    /// (with sub-techniques) the rule maps to. The rule loader reads it as it is.
    public struct Threat: Hashable, Sendable {
        var framework: String
        var tactic: Reference
        var techniques: [Technique]

        public init(framework: String = "MITRE ATT&CK", tactic: Reference, techniques: [Technique] = []) {
            self.framework = framework
            self.tactic = tactic
            self.techniques = techniques
        }
    }

    /// A tactic, technique or subtechnique: `TA0002` / `Execution` / its URL.
    public struct Reference: Hashable, Sendable {
        var id: String
        var name: String
        var reference: String?

        public init(id: String, name: String, reference: String? = nil) {
            self.id = id
            self.name = name
            self.reference = reference
        }
    }

    public struct Technique: Hashable, Sendable {
        var entry: Reference
        var subtechniques: [Reference]

        public init(_ entry: Reference, subtechniques: [Reference] = []) {
            self.entry = entry
            self.subtechniques = subtechniques
        }
    }
}

extension AlertRule.Reference {
    var fieldValue: FieldValue {
        var entries: [FieldValue.ObjectEntry] = [.init("id", .string(id)), .init("name", .string(name))]
        if let reference { entries.append(.init("reference", .string(reference))) }
        return .object(entries)
    }
}

extension AlertRule.Threat {
    /// The detection-rules shape (`framework`, `tactic{}`, `technique[]{…, subtechnique[]}`), as Kibana stores it.
    var fieldValue: FieldValue {
        var entries: [FieldValue.ObjectEntry] = [.init("framework", .string(framework))]
        entries.append(.init("tactic", tactic.fieldValue))
        if !techniques.isEmpty {
            entries.append(.init("technique", .array(techniques.map { technique in
                guard case .object(var fields) = technique.entry.fieldValue else { return .null }
                if !technique.subtechniques.isEmpty {
                    fields.append(.init("subtechnique", .array(technique.subtechniques.map(\.fieldValue))))
                }
                return .object(fields)
            })))
        }
        return .object(entries)
    }
}
