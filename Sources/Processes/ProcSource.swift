import EventModel

/// What the process table needs from `/proc`, behind a small protocol so unit tests substitute a fixed world
/// while integration tests (and the daemon) read the real one.
protocol ProcSource: Sendable {
    /// Host-wide facts read once: boot id, pid namespace, boot time, clock ticks.
    var system: ProcSystemFacts { get }
    /// Pids of the live processes (thread-group leaders), in no particular order.
    func listPids() -> [Int32]
    /// The process `pid` as `/proc/<pid>` shows it now, or nil when it is gone or unreadable.
    func snapshot(of pid: Int32) -> ProcSnapshot?
    /// `/proc/<pid>/stat` start time only (cheap check for pid reuse), or nil when gone.
    func startTicks(of pid: Int32) -> UInt64?
    /// `Tgid` from `/proc/<pid>/status` (differs from `pid` for a thread), or nil when gone or unknown.
    func threadGroupID(of pid: Int32) -> Int32?
}

extension ProcSource {
    /// Unknown by default: sources that cannot tell (replays, fixed test worlds) treat every task as a process.
    func threadGroupID(of pid: Int32) -> Int32? { nil }
}

/// Facts that make entity ids unique across reboots, hosts and pid namespaces.
struct ProcSystemFacts: Sendable, Equatable {
    /// `/proc/sys/kernel/random/boot_id`: random per boot, so ids from different boots or hosts never collide.
    var bootID: String
    /// Inode of `/proc/self/ns/pid` (0 when unknown): pids are only unique within one namespace.
    var pidNamespace: UInt64
    /// Boot time (`btime` in `/proc/stat`), nanoseconds since the epoch: turns audit times into start ticks.
    var bootTimeNanos: Int64
    /// `sysconf(_SC_CLK_TCK)`: the unit of `/proc/<pid>/stat` start times.
    var clockTicksPerSecond: Int64

    init(bootID: String, pidNamespace: UInt64, bootTimeNanos: Int64, clockTicksPerSecond: Int64 = 100) {
        self.bootID = bootID
        self.pidNamespace = pidNamespace
        self.bootTimeNanos = bootTimeNanos
        self.clockTicksPerSecond = max(1, clockTicksPerSecond)
    }

    /// Start ticks (since boot) of a process that started at `nanos` since the epoch; 0 for times before boot.
    func ticks(atEpochNanos nanos: Int64) -> UInt64 {
        let sinceBoot = nanos.saturatingSubtract(bootTimeNanos)
        guard sinceBoot > 0 else { return 0 }
        return UInt64(sinceBoot / (1_000_000_000 / clockTicksPerSecond))
    }
}

/// One process as `/proc/<pid>` describes it.
struct ProcSnapshot: Sendable, Equatable {
    var pid: Int32
    var parentPid: Int32
    var processGroup: Int32
    var sessionID: Int32
    /// `tty_nr` from stat; 0 when the process has no controlling terminal.
    var ttyNumber: Int32
    /// Start time in clock ticks since boot (stat field 22).
    var startTicks: UInt64
    /// `comm` (kernel-truncated name).
    var name: String
    /// `/proc/<pid>/exe` link target; nil for kernel threads or when not permitted.
    var executable: String?
    /// `/proc/<pid>/cmdline` split at NUL bytes.
    var args: [String]
    var workingDirectory: String?
    /// Real and effective ids from `/proc/<pid>/status`.
    var uid: UInt32?, euid: UInt32?, gid: UInt32?, egid: UInt32?

    init(pid: Int32, parentPid: Int32, processGroup: Int32, sessionID: Int32, ttyNumber: Int32 = 0,
                startTicks: UInt64, name: String, executable: String? = nil, args: [String] = [],
                workingDirectory: String? = nil, uid: UInt32? = nil, euid: UInt32? = nil, gid: UInt32? = nil,
                egid: UInt32? = nil) {
        self.pid = pid
        self.parentPid = parentPid
        self.processGroup = processGroup
        self.sessionID = sessionID
        self.ttyNumber = ttyNumber
        self.startTicks = startTicks
        self.name = name
        self.executable = executable
        self.args = args
        self.workingDirectory = workingDirectory
        self.uid = uid
        self.euid = euid
        self.gid = gid
        self.egid = egid
    }
}

/// A `/proc` with no processes: for replaying logs from another time or host, where the local `/proc` would lie.
/// Entity ids then rest on the audit data alone (boot id = the given label, start = first event time).
struct AbsentProcSource: ProcSource {
    let system: ProcSystemFacts

    init(label: String = "replay") {
        system = ProcSystemFacts(bootID: label, pidNamespace: 0, bootTimeNanos: 0)
    }

    func listPids() -> [Int32] { [] }
    func snapshot(of pid: Int32) -> ProcSnapshot? { nil }
    func startTicks(of pid: Int32) -> UInt64? { nil }
}

/// The `/proc` views a pipeline chooses between: where the process table reads `/proc`, and whether it loads the
/// processes already running at start (the ``ProcSource`` types stay inside this module).
public struct ProcView: Sendable {
    let source: any ProcSource
    /// Whether the table scans `/proc` at start (live use; not for replays).
    let scan: Bool

    /// This host's `/proc`, scanned at start.
    public static func live() -> ProcView { ProcView(source: LiveProcSource(), scan: true) }
    /// No processes: for replays (see ``AbsentProcSource``).
    public static func absent() -> ProcView { ProcView(source: AbsentProcSource(), scan: false) }
}
