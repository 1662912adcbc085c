/// A configuration value after type checking, whether it came from the file or from a command-line override.
enum ConfigValue {
    case string(String)
    case int(Int)
    case bool(Bool)
    case strings([String])

    var string: String {
        if case .string(let value) = self { return value }
        preconditionFailure("schema kind and value disagree")
    }
    var int: Int {
        if case .int(let value) = self { return value }
        preconditionFailure("schema kind and value disagree")
    }
    var bool: Bool {
        if case .bool(let value) = self { return value }
        preconditionFailure("schema kind and value disagree")
    }
    var strings: [String] {
        if case .strings(let value) = self { return value }
        preconditionFailure("schema kind and value disagree")
    }
}

/// One key of auspex.toml: where it lives, what it accepts, and where it goes in ``AuspexConfig``.
struct ConfigKey {
    enum Kind {
        case string
        /// An absolute filesystem path.
        case path
        case paths
        /// An array of strings.
        case strings
        case int(ClosedRange<Int>)
        case bool
        case choice([String])

        var expectation: String {
            switch self {
            case .string: return "a string"
            case .path: return "an absolute path"
            case .paths: return "an array of absolute paths"
            case .strings: return "an array of strings"
            case .int(let range): return "an integer from \(range.lowerBound) to \(range.upperBound)"
            case .bool: return "true or false"
            case .choice(let options): return "one of " + options.map { "\"\($0)\"" }.joined(separator: ", ")
            }
        }
    }

    let section: String
    let name: String
    let kind: Kind
    let apply: (inout AuspexConfig, ConfigValue) -> Void

    var path: String { section + "." + name }
}

enum ConfigSchema {
    /// Every key auspex.toml accepts. Keep in step with `etc/auspex/auspex.toml` (a test checks both ways).
    static var keys: [ConfigKey] {
        [
            ConfigKey(section: "rules", name: "paths", kind: .paths) { $0.rules.paths = $1.strings },
            ConfigKey(section: "rules", name: "strict_permissions", kind: .bool) { $0.rules.strictPermissions = $1.bool },

            ConfigKey(section: "spool", name: "enabled", kind: .bool) { $0.spool.enabled = $1.bool },
            ConfigKey(section: "spool", name: "dir", kind: .path) { $0.spool.dir = $1.string },
            ConfigKey(section: "spool", name: "max_files", kind: .int(1...100_000_000)) { $0.spool.maxFiles = $1.int },
            ConfigKey(section: "spool", name: "max_bytes", kind: .int(4096...(1 << 50))) { $0.spool.maxBytes = $1.int },
            ConfigKey(section: "spool", name: "fsync", kind: .bool) { $0.spool.fsync = $1.bool },

            ConfigKey(section: "journald", name: "enabled", kind: .bool) { $0.journald.enabled = $1.bool },

            ConfigKey(section: "audit", name: "mode", kind: .choice(AuditMode.allCases.map(\.rawValue))) {
                $0.audit.mode = AuditMode(rawValue: $1.string) ?? .unicast
            },
            ConfigKey(section: "audit", name: "backlog_limit", kind: .int(64...(1 << 24))) { $0.audit.backlogLimit = $1.int },
            ConfigKey(section: "audit", name: "backlog_wait_time", kind: .int(0...600_000)) { $0.audit.backlogWaitTime = $1.int },
            ConfigKey(section: "audit", name: "rate_limit", kind: .int(0...1_000_000)) { $0.audit.rateLimit = $1.int },
            ConfigKey(section: "audit", name: "install_rules", kind: .bool) { $0.audit.installRules = $1.bool },
            ConfigKey(section: "audit", name: "rule_key", kind: .string) { $0.audit.ruleKey = $1.string },
            ConfigKey(section: "audit", name: "receive_buffer_bytes", kind: .int(65_536...(1 << 30))) {
                $0.audit.receiveBufferBytes = $1.int
            },
            ConfigKey(section: "audit", name: "reassembly_timeout_ms", kind: .int(10...60_000)) {
                $0.audit.reassemblyTimeoutMilliseconds = $1.int
            },
            ConfigKey(section: "audit", name: "max_events_in_flight", kind: .int(1...1_000_000)) {
                $0.audit.maxEventsInFlight = $1.int
            },

            ConfigKey(section: "engine", name: "max_sequences_per_rule", kind: .int(1...10_000_000)) {
                $0.engine.maxSequencesPerRule = $1.int
            },
            ConfigKey(section: "engine", name: "max_samples_per_key", kind: .int(1...1000)) { $0.engine.maxSamplesPerKey = $1.int },
            ConfigKey(section: "engine", name: "event_queue_size", kind: .int(16...(1 << 24))) { $0.engine.eventQueueSize = $1.int },
            ConfigKey(section: "engine", name: "alert_queue_size", kind: .int(16...(1 << 24))) { $0.engine.alertQueueSize = $1.int },
            ConfigKey(section: "engine", name: "max_processes", kind: .int(1024...(1 << 24))) { $0.engine.maxProcesses = $1.int },

            ConfigKey(section: "host", name: "name", kind: .string) { $0.host.name = $1.string.isEmpty ? nil : $1.string },
            ConfigKey(section: "host", name: "id", kind: .string) { $0.host.id = $1.string.isEmpty ? nil : $1.string },
            ConfigKey(section: "host", name: "machine_id_path", kind: .path) { $0.host.machineIDPath = $1.string },

            ConfigKey(section: "daemon", name: "state_file", kind: .path) { $0.daemon.stateFile = $1.string },
            ConfigKey(section: "daemon", name: "status_interval_seconds", kind: .int(1...3600)) {
                $0.daemon.statusIntervalSeconds = $1.int
            },
            ConfigKey(section: "daemon", name: "kernel_state_file", kind: .path) { $0.daemon.kernelStateFile = $1.string },
            ConfigKey(section: "daemon", name: "loss_alert_interval", kind: .int(1...86_400)) {
                $0.daemon.lossAlertInterval = $1.int
            },
            ConfigKey(section: "daemon", name: "nice", kind: .int(-20...19)) { $0.daemon.nice = $1.int },

            ConfigKey(section: "alerts", name: "max_alert_bytes", kind: .int(8192...(1 << 20))) { $0.alerts.maxAlertBytes = $1.int },
            ConfigKey(section: "alerts", name: "max_field_bytes", kind: .int(64...(1 << 20))) { $0.alerts.maxFieldBytes = $1.int },
            ConfigKey(section: "alerts", name: "max_array_elements", kind: .int(1...100_000)) {
                $0.alerts.maxArrayElements = $1.int
            },
            ConfigKey(section: "alerts", name: "suppress_duplicates", kind: .bool) { $0.alerts.suppressDuplicates = $1.bool },
            ConfigKey(section: "alerts", name: "suppress_duplicates_seconds", kind: .int(1...86_400)) {
                $0.alerts.suppressDuplicatesSeconds = $1.int
            },
            ConfigKey(section: "alerts", name: "max_suppression_groups", kind: .int(1...10_000_000)) {
                $0.alerts.maxSuppressionGroups = $1.int
            },
            ConfigKey(section: "alerts", name: "rate_limit_per_minute", kind: .int(0...1_000_000)) {
                $0.alerts.rateLimitPerMinute = $1.int
            },
            ConfigKey(section: "alerts", name: "rate_limit_burst", kind: .int(1...1_000_000)) { $0.alerts.rateLimitBurst = $1.int },
            ConfigKey(section: "exceptions", name: "enabled", kind: .bool) { $0.exceptions.enabled = $1.bool },
            ConfigKey(section: "exceptions", name: "paths", kind: .paths) { $0.exceptions.paths = $1.strings },
            ConfigKey(section: "exceptions", name: "attach_to_all_rules", kind: .strings) {
                $0.exceptions.attachToAllRules = $1.strings
            },
            ConfigKey(section: "exceptions", name: "attach_to_rules", kind: .strings) {
                $0.exceptions.attachToRules = $1.strings
            },
            ConfigKey(section: "alerts", name: "queue_max_bytes", kind: .int(65_536...(1 << 34))) { $0.alerts.queueMaxBytes = $1.int },
            ConfigKey(section: "metrics", name: "textfile", kind: .path) { $0.metrics.textfile = $1.string },
        ]
    }

    /// All dotted key names (`spool.dir`), in schema order.
    static var keyPaths: [String] { keys.map(\.path) }

    static func key(section: String, name: String) -> ConfigKey? {
        keys.first { $0.section == section && $0.name == name }
    }

    static var sections: [String] {
        var seen: [String] = []
        for key in keys where !seen.contains(key.section) { seen.append(key.section) }
        return seen
    }

    /// The closest known name within two edits, for "did you mean" hints on typos.
    static func suggestion(for name: String, among candidates: [String]) -> String? {
        candidates.map { ($0, editDistance(name, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
