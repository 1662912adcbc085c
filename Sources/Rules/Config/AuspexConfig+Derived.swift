import Alerting
import EQL
import Foundation

/// What other modules build from the configuration, computed here so they need not read its fields.
extension AuspexConfig {
    /// Alert bounds, suppression and rate limits from `[alerts]`.
    public var alertPolicy: AlertPolicy {
        AlertPolicy(limits: AlertLimits(maxAlertBytes: alerts.maxAlertBytes, maxFieldBytes: alerts.maxFieldBytes,
                                        maxArrayElements: alerts.maxArrayElements),
                    suppressDuplicates: alerts.suppressDuplicates,
                    duplicateWindowNanos: Int64(alerts.suppressDuplicatesSeconds) * 1_000_000_000,
                    ratePerMinute: alerts.rateLimitPerMinute, rateBurst: alerts.rateLimitBurst,
                    maxGroups: alerts.maxSuppressionGroups)
    }

    /// The alert spool from `[spool]`; nil when it is off.
    public var spoolConfiguration: SpoolConfiguration? {
        guard spool.enabled else { return nil }
        return SpoolConfiguration(directory: spool.dir, maxFiles: spool.maxFiles, maxBytes: Int64(spool.maxBytes),
                                  fsync: spool.fsync)
    }

    /// Bounds on each rule's pending sequences and samples from `[engine]`.
    public var matcherLimits: MatcherLimits {
        MatcherLimits(capacity: engine.maxSequencesPerRule, maxSamplesPerKey: engine.maxSamplesPerKey)
    }

    /// Whether `other` differs in a setting read only at start (audit mode, spool, journald, kernel state file),
    /// which a reload cannot apply.
    public func startOnlySettingsDiffer(from other: AuspexConfig) -> Bool {
        audit.mode != other.audit.mode || spool != other.spool || journald != other.journald
            || daemon.kernelStateFile != other.daemon.kernelStateFile
    }

    /// `host.id` as configured: `[host] id`, else the first line of `[host] machine_id_path`; nil when neither gives
    /// one (the system's applies).
    public var hostID: String? { host.id ?? Self.firstLine(ofFile: host.machineIDPath) }

    /// `host.name` as configured (`[host] name`); nil leaves the kernel host name.
    public var hostName: String? { host.name }

    private static func firstLine(ofFile path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return line.isEmpty ? nil : line
    }
}
