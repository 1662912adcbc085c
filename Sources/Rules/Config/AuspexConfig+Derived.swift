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

    /// Takes what a reload can apply from `new` (rules, engine, daemon, alerts, exceptions, metrics); the settings
    /// read only at start (audit mode and kernel settings, spool, journald, host) stay. True when `new` differs in
    /// one of those (audit mode, spool, journald, kernel state file): it takes effect at the next start.
    @discardableResult
    public mutating func applyReload(from new: AuspexConfig) -> Bool {
        let startOnlyDiffer = audit.mode != new.audit.mode || spool != new.spool || journald != new.journald
            || daemon.kernelStateFile != new.daemon.kernelStateFile
        rules = new.rules
        engine = new.engine
        daemon = new.daemon
        alerts = new.alerts
        exceptions = new.exceptions
        metrics = new.metrics
        return startOnlyDiffer
    }

    /// `auspex run`'s flags over the file: `--rules` (replaces `[rules] paths` when not empty), `--spool DIR` (turns
    /// the spool on there), `--no-journald`, `--multicast`.
    public mutating func applyRunFlags(rulePaths: [String], spoolDirectory: String?, noJournald: Bool, multicast: Bool) {
        if !rulePaths.isEmpty { rules.paths = rulePaths }
        if let spoolDirectory { useSpool(directory: spoolDirectory) }
        if noJournald { journald.enabled = false }
        if multicast { audit.mode = .multicast }
    }

    /// The alert sinks of `auspex run`, in delivery order: the terminal view when asked for, journald and the spool
    /// when enabled, each behind a queue of `[engine] alert_queue_size` alerts and `[alerts] queue_max_bytes`.
    /// Throws when the spool directory cannot be used.
    public func alertSinks(terminal: (format: AlertSinks.TerminalFormat, color: Bool)?) throws -> [any AlertSink] {
        var sinks: [any AlertSink] = []
        if let terminal {
            sinks.append(AlertSinks.terminal(format: terminal.format, color: terminal.color,
                                             capacity: engine.alertQueueSize, maxBytes: alerts.queueMaxBytes))
        }
        let queueBytes = alerts.queueMaxBytes
        if journald.enabled {
            sinks.append(AlertSinks.journal(capacity: engine.alertQueueSize, maxBytes: queueBytes))
        }
        if let spool = spoolConfiguration {
            sinks.append(try AlertSinks.spool(spool, capacity: engine.alertQueueSize, maxBytes: queueBytes))
        }
        return sinks
    }

    /// `host.id` as configured: `[host] id`, else the first line of `[host] machine_id_path`; nil when neither gives
    /// one (the system's applies).
    public var hostID: String? { host.id ?? Self.firstLine(ofFile: host.machineIDPath) }

    /// `host.name` as configured (`[host] name`); nil leaves the kernel host name.
    public var hostName: String? { host.name }

    /// Where rules come from (`[rules]`): files or directories, and whether their permissions are checked.
    public var rulePaths: [String] { rules.paths }
    public var strictRulePermissions: Bool { rules.strictPermissions }

    /// `[exceptions]`: the exception files read (none when disabled) and the lists attached beyond each rule's own.
    public var exceptionPaths: [String]? { exceptions.enabled ? exceptions.paths : nil }
    public var attachToAllRules: [String] { exceptions.attachToAllRules }
    public var attachToRules: [String] { exceptions.attachToRules }

    /// Reassembly and process-table bounds (`[audit]`, `[engine]`).
    public var maxEventsInFlight: Int { audit.maxEventsInFlight }
    public var reassemblyTimeoutNanos: Int64 { Int64(audit.reassemblyTimeoutMilliseconds) * 1_000_000 }
    public var maxProcesses: Int { engine.maxProcesses }
    /// Records queued between the kernel reader and the processing thread (`[engine] event_queue_size`).
    public var eventQueueSize: Int { engine.eventQueueSize }

    /// `[audit]` as the daemon's kernel session uses it.
    public var auditMode: AuditMode { audit.mode }
    /// Unicast mode with `install_rules`: the daemon installs the audit rules it needs, and removes them on exit.
    public var installsAuditRules: Bool { audit.mode == .unicast && audit.installRules }
    public var auditRuleKey: String { audit.ruleKey }
    public var receiveBufferBytes: Int { audit.receiveBufferBytes }
    public var backlogLimit: Int { audit.backlogLimit }

    /// `[daemon]` and `[metrics]`: the service's runtime files and intervals.
    public var stateFile: String { daemon.stateFile }
    public var kernelStateFile: String { daemon.kernelStateFile }
    public var statusIntervalSeconds: Int { daemon.statusIntervalSeconds }
    public var lossAlertIntervalSeconds: Int { daemon.lossAlertInterval }
    public var nice: Int { daemon.nice }
    public var metricsTextfile: String? { metrics.textfile }
    /// `[journald] enabled`: alerts, lifecycle entries and warnings go to the journal.
    public var journaldEnabled: Bool { journald.enabled }

    private static func firstLine(ofFile path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return line.isEmpty ? nil : line
    }
}
