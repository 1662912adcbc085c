#if canImport(Glibc)
import Glibc
#endif

/// A live connection to the kernel audit subsystem that changes as little as it must and puts back, on
/// `stop()`, everything it changed: its rules (by key), the audit daemon pid, `enabled`, the backlog settings.
///
/// Unicast mode registers this process as the audit daemon (one per kernel), with backlog_limit 8192 and
/// backlog_wait_time 0 so audited processes never stall on us. Multicast mode only listens beside the owner.
public final class LiveAuditSession {
    public enum Mode: Sendable { case unicast, multicast }

    public struct Options: Sendable {
        public var mode: Mode
        /// Rules to install (and remove on stop); nil leaves the kernel's rules alone.
        public var rules: AuditRuleSet?
        public var receiveBufferBytes: Int
        public var backlogLimit: UInt32
        public init(mode: Mode = .unicast, rules: AuditRuleSet? = .events,
                    receiveBufferBytes: Int = 8 << 20, backlogLimit: UInt32 = 8192) {
            self.mode = mode
            self.rules = rules
            self.receiveBufferBytes = receiveBufferBytes
            self.backlogLimit = backlogLimit
        }
    }

    public let options: Options
    /// Reads the record stream.
    public let reader: AuditReader
    /// The status before we changed anything.
    public let prior: AuditStatus
    /// The receive buffer size the kernel granted.
    public let receiveBufferBytes: Int
    public private(set) var ruleReport = RuleInstallReport()

    /// Control requests go on their own socket so that queued records never stand between a request and its reply.
    private let control: AuditSocket
    private var applied = AuditStatusChange()
    private var registered = false
    private var stopped = false

    /// Connects and configures. On failure everything already changed is put back before the error is thrown.
    public init(options: Options = Options()) throws(AuditNetlinkError) {
        self.options = options
        control = try AuditSocket(.unicast)
        prior = try control.status()
        if prior.enabled == 2, options.mode == .unicast || options.rules != nil { throw .configurationLocked }
        if options.mode == .unicast, prior.pid != 0, prior.pid != UInt32(getpid()) {
            throw .daemonAlreadyRegistered(pid: prior.pid)
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

    private func configure() throws(AuditNetlinkError) {
        var change = AuditStatusChange()
        if options.mode == .unicast {
            if prior.backlogLimit != options.backlogLimit { change.backlogLimit = options.backlogLimit }
            if prior.supportsBacklogWaitTime, prior.backlogWaitTime != 0 { change.backlogWaitTime = 0 }
        }
        if prior.enabled == 0 { change.enabled = 1 }
        // Record before applying: a partly applied change is still restored field by field.
        applied = change
        try control.apply(change)
        if options.mode == .unicast {
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
        if let rules = options.rules {
            try control.deleteRules(key: rules.key) // leftovers of a run that could not clean up
            ruleReport = try control.install(rules, selfPID: UInt32(getpid()))
        }
    }

    /// The kernel's status now (for the `lost` counter).
    public func status() throws(AuditNetlinkError) -> AuditStatus { try control.status() }

    /// Removes our rules, releases the audit pid and restores the settings we changed. Idempotent; returns the
    /// errors met on the way (each step is attempted regardless of the others).
    @discardableResult
    public func stop() -> [AuditNetlinkError] {
        guard !stopped else { return [] }
        stopped = true
        var errors: [AuditNetlinkError] = []
        // Rules first, while records still have a reader, then the pid, then the settings.
        if let rules = options.rules {
            do { _ = try control.deleteRules(key: rules.key) } catch { errors.append(error) }
        }
        if registered {
            do { try control.apply(AuditStatusChange(pid: 0)) } catch { errors.append(error) }
        }
        do { try control.apply(applied.reverting(to: prior)) } catch { errors.append(error) }
        return errors
    }
}
