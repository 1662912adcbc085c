/// The daemon's configuration, `/etc/auspex/auspex.toml`. Every value has a default, so an absent file means "run with
/// defaults"; every field is a `var`, so command-line flags override what the file says. `etc/auspex/auspex.toml` in the
/// repository documents each key and is tested to match these defaults. The sections stay inside this module: other
/// modules read the values they use, and what they build from them, through `AuspexConfig+Derived.swift`.
public struct AuspexConfig: Sendable, Hashable {
    static let defaultPath = "/etc/auspex/auspex.toml"

    var rules = RulesSettings()
    var spool = SpoolSettings()
    var journald = JournaldSettings()
    var audit = AuditSettings()
    var engine = EngineSettings()
    var host = HostSettings()
    var daemon = DaemonSettings()
    var alerts = AlertsSettings()
    var exceptions = ExceptionsSettings()
    var metrics = MetricsSettings()

    public init() {}

    /// Turns the spool on in `directory` (`--spool DIR`).
    mutating func useSpool(directory: String) {
        spool.enabled = true
        spool.dir = directory
    }
}

/// `[alerts]`: what happens to alerts between the rules and the sinks: size bounds, suppression, rate limits.
struct AlertsSettings: Sendable, Hashable {
    /// The whole alert document, in bytes (also `AUSPEX_ALERT_JSON`).
    var maxAlertBytes = 65_536
    /// One string value copied into an alert (arguments, command lines, paths, titles), in bytes.
    var maxFieldBytes = 4096
    /// Elements kept of one array value (process.args, …).
    var maxArrayElements = 64
    /// Rules without `[rule.alert_suppression]`: one alert per rule and process per window.
    var suppressDuplicates = true
    var suppressDuplicatesSeconds = 60
    /// Open suppression groups at once (the oldest window is closed early beyond it).
    var maxSuppressionGroups = 10_000
    /// Per-rule token bucket: alerts per minute (0 = no limit) and the burst above it.
    var rateLimitPerMinute = 120
    var rateLimitBurst = 60
    /// Bytes of alerts waiting in each sink's queue (besides `[engine] alert_queue_size` alerts).
    var queueMaxBytes = 16 * 1024 * 1024
}

/// `[rules]`: where detection rules come from.
struct RulesSettings: Sendable, Hashable {
    /// Rule files or directories (`*.toml` inside, sorted, not recursive), loaded in this order.
    var paths = ["/etc/auspex/rules.d"]
    /// Refuse rule files and their directories unless owned by root or the daemon's user and not group- or
    /// world-writable. `false` is for development only.
    var strictPermissions = true
}

/// `[spool]`: the crash-safe alert store (one JSON file per alert, maildir style: tmp → new).
struct SpoolSettings: Sendable, Hashable {
    var enabled = true
    var dir = "/var/spool/auspex"
    /// Oldest alerts are removed beyond this many files (and the removal is counted).
    var maxFiles = 10_000
    /// Oldest alerts are removed beyond this many bytes in total.
    var maxBytes = 256 * 1024 * 1024
    /// fsync the file and the directory before an alert counts as delivered.
    var fsync = true
}

/// `[journald]`: the operator's view of alerts and daemon status.
struct JournaldSettings: Sendable, Hashable {
    var enabled = true
}

/// How the daemon reads the kernel audit stream.
public enum AuditMode: String, Sendable, Hashable, CaseIterable {
    /// Own the audit netlink socket (needs CAP_AUDIT_CONTROL): kernel `lost` is visible and rules can be managed,
    /// but it conflicts with a running auditd.
    case unicast
    /// Join the read-only multicast group (needs CAP_AUDIT_READ): coexists with auditd, cannot see `lost`.
    case multicast
}

/// `[audit]`: kernel audit settings.
struct AuditSettings: Sendable, Hashable {
    var mode = AuditMode.unicast
    /// Kernel backlog queue length (`auditctl -b`), set in unicast mode.
    var backlogLimit = 32_768
    /// How long the kernel may block a syscall when the backlog is full, in jiffies; 0 never blocks (drops are counted).
    var backlogWaitTime = 0
    /// Kernel message rate limit per second (`auditctl -r`); 0 means none.
    var rateLimit = 0
    /// Install the syscall audit rules the loaded detection rules need, and remove them on exit.
    var installRules = true
    /// The audit key (`-k`) on installed rules, so they can be told apart from others and removed.
    var ruleKey = "auspex"
    /// SO_RCVBUF of the netlink socket in bytes; larger buffers absorb bursts before the kernel drops.
    var receiveBufferBytes = 8 * 1024 * 1024
    /// An audit event whose records have not ended after this long is emitted as it is.
    var reassemblyTimeoutMilliseconds = 2000
    /// Events being reassembled at once; beyond this the oldest is emitted early (and counted).
    var maxEventsInFlight = 1024
}

/// `[engine]`: bounds on the rule engine's queues and state. Every bound evicts the oldest entry and counts it.
struct EngineSettings: Sendable, Hashable {
    /// Pending partial sequences (or samples) per rule across all join keys.
    var maxSequencesPerRule = 10_000
    /// Samples emitted per join-key tuple (Elasticsearch's `max_samples_per_key`, default 1).
    var maxSamplesPerKey = 1
    /// Events queued between the audit reader and the engine.
    var eventQueueSize = 65_536
    /// Alerts queued between the engine and the sinks.
    var alertQueueSize = 4096
    /// Processes tracked for entity ids and parent fields.
    var maxProcesses = 65_536
}

/// `[host]`: how this machine identifies itself in events and alerts.
struct HostSettings: Sendable, Hashable {
    /// `host.name`; nil uses the kernel host name.
    var name: String?
    /// `host.id`; nil reads `machineIDPath`.
    var id: String?
    var machineIDPath = "/etc/machine-id"
}

/// `[daemon]`: runtime files of the service.
struct DaemonSettings: Sendable, Hashable {
    /// Counters and status, rewritten every `statusIntervalSeconds`.
    var stateFile = "/run/auspex/state.json"
    /// How often the status line (sd_notify STATUS=) and the state file are refreshed.
    var statusIntervalSeconds = 10
    /// The kernel audit settings auspex changes, recorded before it changes them so that the next start restores
    /// them after a SIGKILL or crash. Its directory must survive a service restart (RuntimeDirectoryPreserve=yes).
    var kernelStateFile = "/run/auspex/kernel-state"
    /// Loss of audit data (kernel lost, ENOBUFS, record-queue drops, reassembly loss, rule-state evictions, sink
    /// drops) raises the blind-spot alert at most once per this many seconds.
    var lossAlertInterval = 10
    /// Scheduling priority of the daemon's threads when it may raise it (root or CAP_SYS_NICE; the unit sets
    /// Nice= instead): under a saturating workload auspex, not the audited processes, gets the CPU.
    var nice = -10
}

/// `[exceptions]`: Elastic exception lists (Kibana's NDJSON export) that keep events from rules.
struct ExceptionsSettings: Sendable, Hashable {
    var enabled = true
    /// Exception files or directories (`*.ndjson` inside, sorted). Missing ones mean no exceptions.
    var paths = ["/etc/auspex/exceptions.d"]
    /// `list_id`s applied to every rule, besides the lists a rule names in `[[rule.exceptions_list]]`.
    var attachToAllRules: [String] = []
    /// `LIST_ID=TARGET` entries: the list applies to the rules whose `rule_id` is TARGET or whose `tags` hold it.
    var attachToRules: [String] = []
}

/// `[metrics]`: Prometheus text exposition of the daemon's counters, for the node exporter's textfile collector.
struct MetricsSettings: Sendable, Hashable {
    /// Where the daemon writes the metrics every `[daemon] status_interval_seconds` (tmp + rename); nil: off.
    var textfile: String?
}
