#if canImport(Glibc)
import Glibc
#endif

/// A live connection to the kernel audit subsystem that changes as little as it must and puts back, on
/// `stop()`, everything it changed: its rules (by key), the audit daemon pid, `enabled`, the backlog settings.
/// The original settings are also recorded in a state file before they change, so that a run killed before it
/// could restore them (SIGKILL, crash) is undone by the next run's stop.
///
/// Unicast mode registers this process as the audit daemon (one per kernel), with backlog_limit 8192 and
/// backlog_wait_time 0 so audited processes never stall on us. Multicast mode only listens beside the owner.
public final class LiveAuditSession {
    enum Mode: Sendable { case unicast, multicast }

    struct Options: Sendable {
        var mode: Mode
        /// Rules to install (and remove on stop); nil leaves the kernel's rules alone.
        var rules: AuditRuleSet?
        var receiveBufferBytes: Int
        var backlogLimit: UInt32
        /// Where the original settings are recorded before they change, so that the next run restores them if this
        /// one is killed (see `KernelStateFile`); nil keeps them in memory only.
        var kernelStatePath: String?
        init(mode: Mode = .unicast, rules: AuditRuleSet? = .events,
                    receiveBufferBytes: Int = 8 << 20, backlogLimit: UInt32 = 8192,
                    kernelStatePath: String? = KernelStateFile.defaultPath) {
            self.mode = mode
            self.rules = rules
            self.receiveBufferBytes = receiveBufferBytes
            self.backlogLimit = backlogLimit
            self.kernelStatePath = kernelStatePath
        }
    }

    let options: Options
    /// Reads the record stream.
    let reader: AuditReader
    /// The status before we changed anything (after a run that was killed: what it left behind).
    public let prior: AuditStatus
    /// The receive buffer size the kernel granted.
    public let receiveBufferBytes: Int
    public private(set) var ruleReport = RuleInstallReport()
    /// Lines for the operator about the kernel state file: a recovery from a run that did not stop cleanly, or why
    /// the file could not be used (the session then restores what it found, as without the file).
    public var notices: [String] { takeover + (keeper?.notices ?? []) }
    private var takeover: [String] = []

    /// Control requests go on their own socket so that queued records never stand between a request and its reply.
    private let control: AuditSocket
    /// The original value of every setting to put back on stop.
    private var restore = AuditStatusChange()
    private var keeper: KernelStateKeeper?
    private var registered = false
    private var rulesTouched = false
    private var stopped = false

    /// Connects and configures: as the audit daemon, or with `multicast` beside the one there is; installing `rules`
    /// (removed again on stop; nil leaves the kernel's rules alone); with a receive buffer of `receiveBufferBytes`
    /// and, in unicast mode, a kernel backlog of `backlogLimit`; recording the original settings in the state file
    /// at `kernelStatePath` first (nil: in memory only). On failure everything already changed is put back before
    /// the error is thrown.
    public convenience init(multicast: Bool, rules: AuditRuleSet?, receiveBufferBytes: Int, backlogLimit: UInt32 = 8192,
                            kernelStatePath: String?) throws(AuditNetlinkError) {
        try self.init(options: Options(mode: multicast ? .multicast : .unicast, rules: rules,
                                       receiveBufferBytes: receiveBufferBytes, backlogLimit: backlogLimit,
                                       kernelStatePath: kernelStatePath))
    }

    /// Connects and configures with `options`; see ``init(multicast:rules:receiveBufferBytes:backlogLimit:kernelStatePath:)``.
    init(options: Options = Options()) throws(AuditNetlinkError) {
        self.options = options
        control = try AuditSocket(.unicast)
        prior = try control.status()
        if prior.enabled == 2, options.mode == .unicast || options.rules != nil { throw .configurationLocked }
        if options.mode == .unicast, prior.pid != 0, prior.pid != UInt32(getpid()) {
            // The kernel forgets a dead audit daemon only when a send to it fails: after a SIGKILL on a quiet host
            // its pid can stay registered. Registering then makes the kernel test that connection and drop it.
            guard !Self.isRunning(prior.pid) else { throw .daemonAlreadyRegistered(pid: prior.pid) }
            takeover.append("the audit pid \(prior.pid) belongs to no running process (a daemon killed before it could "
                + "release it); registering in its place")
        }
        let events = try AuditSocket(options.mode == .multicast ? .multicast : .unicast)
        receiveBufferBytes = try events.setReceiveBuffer(bytes: options.receiveBufferBytes)
        reader = try AuditReader(socket: events)
        do {
            try configure()
        } catch {
            _ = stop()
            throw error
        }
    }

    deinit { _ = stop() }

    /// Whether a process with this pid exists (EPERM: it does, under another user).
    static func isRunning(_ pid: UInt32) -> Bool {
        kill(pid_t(bitPattern: pid), 0) == 0 || errno == EPERM
    }

    private func configure() throws(AuditNetlinkError) {
        var change = AuditStatusChange()
        if options.mode == .unicast {
            if prior.backlogLimit != options.backlogLimit { change.backlogLimit = options.backlogLimit }
            if prior.supportsBacklogWaitTime, prior.backlogWaitTime != 0 { change.backlogWaitTime = 0 }
        }
        if prior.enabled == 0 { change.enabled = 1 }
        if options.mode == .unicast {
            // Registering first makes the kernel pick one owner before anything else changes: a reader that loses
            // the race has changed nothing and touches neither the settings nor the owner's state file.
            // The kernel sends records to the port that registered, so the pid goes out on the reader socket.
            do {
                try reader.socket.apply(AuditStatusChange(pid: UInt32(getpid())))
                registered = true
            } catch {
                // Without an answer we cannot know; releasing a pid we do not hold is refused harmlessly.
                if case .system(_, ETIMEDOUT) = error { registered = true }
                throw error
            }
        }
        // A run killed before it could restore recorded the true originals; the current values are its own.
        // Only the audit daemon adopts a dead run's record: beside another owner (multicast) the settings are that
        // owner's now, and a locked configuration cannot be changed back anyway.
        let adopts = options.mode == .unicast && prior.enabled != 2
        keeper = options.kernelStatePath.map { KernelStateKeeper(file: KernelStateFile(path: $0), adoptsRecovery: adopts) }
        let found = change.reverting(to: prior)
        restore = keeper?.recovered?.filling(from: found) ?? found
        // Record before applying: the file outlives a SIGKILL, and a partly applied change is restored field by field.
        keeper?.save(restore)
        try control.apply(change)
        if let rules = options.rules {
            rulesTouched = true
            try control.deleteRules(key: rules.key) // leftovers of a run that could not clean up
            ruleReport = try control.install(rules, selfPID: UInt32(getpid()))
        }
    }

    /// The kernel's status now (for the `lost` counter).
    public func status() throws(AuditNetlinkError) -> AuditStatus { try control.status() }

    /// Sets `enabled` 1 again after another process turned auditing off (journald's `Audit=no` does at its start).
    /// What `stop()` restores is unchanged: the value found when this session started.
    public func turnAuditingOn() throws(AuditNetlinkError) { try control.apply(AuditStatusChange(enabled: 1)) }

    /// Starts the reader thread draining this session's record stream into `queue`; raising `wake` stops it.
    public func startReading(into queue: RecordQueue, wake: WakeEvent) -> KernelReader {
        let kernelReader = KernelReader(reader: reader, queue: queue, wake: wake)
        kernelReader.start()
        return kernelReader
    }

    /// Removes our rules, releases the audit pid and restores the settings we changed. Idempotent; returns the
    /// errors met on the way (each step is attempted regardless of the others).
    @discardableResult
    public func stop() -> [AuditNetlinkError] {
        guard !stopped else { return [] }
        stopped = true
        var errors: [AuditNetlinkError] = []
        // Rules first, while records still have a reader, then the pid, then the settings.
        // A reader that lost the registration race never reached its rules: the keyed ones are the owner's.
        if let rules = options.rules, rulesTouched {
            do { _ = try control.deleteRules(key: rules.key) } catch { errors.append(error) }
        }
        if registered {
            do { try control.apply(AuditStatusChange(pid: 0)) } catch { errors.append(error) }
        }
        do {
            try control.apply(restore)
            do { try keeper?.release() } catch { errors.append(.stateFile(error)) }
        } catch {
            errors.append(error) // the state file stays: the next run restores what it records
        }
        return errors
    }
}
