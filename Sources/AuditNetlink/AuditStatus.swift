import CAuditNetlink

/// The kernel's audit status (`auditctl -s`), as read with AUDIT_GET.
public struct AuditStatus: Equatable, Sendable, CustomStringConvertible {
    /// 0 off, 1 on, 2 locked.
    public var enabled: UInt32
    var failure: UInt32
    /// The registered unicast audit daemon, 0 when none.
    public var pid: UInt32
    var rateLimit: UInt32
    var backlogLimit: UInt32
    /// Records the kernel dropped since boot (or the last reset): backlog overflow, rate limit, memory.
    public var lost: UInt32
    var backlog: UInt32
    var featureBitmap: UInt32
    var backlogWaitTime: UInt32
    var backlogWaitTimeActual: UInt32

    /// The kernel's status now, over a control socket of its own (`auspex status`).
    public static func current() throws(AuditNetlinkError) -> AuditStatus {
        try AuditSocket(.unicast).status()
    }

    /// As `auspex status` shows it: `enabled 1, audit pid 0 (no audit daemon), lost 0, backlog 0/8192, backlog_wait_time 0`.
    public var description: String {
        "enabled \(enabled), audit pid \(pid)\(pid == 0 ? " (no audit daemon)" : ""), lost \(lost), "
            + "backlog \(backlog)/\(backlogLimit), backlog_wait_time \(backlogWaitTime)"
    }

    init(_ raw: auspex_audit_status) {
        enabled = raw.enabled
        failure = raw.failure
        pid = raw.pid
        rateLimit = raw.rate_limit
        backlogLimit = raw.backlog_limit
        lost = raw.lost
        backlog = raw.backlog
        featureBitmap = raw.feature_bitmap
        backlogWaitTime = raw.backlog_wait_time
        backlogWaitTimeActual = raw.backlog_wait_time_actual
    }

    /// Whether the kernel accepts `backlog_wait_time` (≥ 3.14): 0 there means audited tasks never wait for us.
    var supportsBacklogWaitTime: Bool {
        featureBitmap & UInt32(AUSPEX_FEATURE_BACKLOG_WAIT_TIME) != 0
    }
}

/// The status fields an AUDIT_SET changes; nil fields are left alone.
struct AuditStatusChange: Equatable, Sendable {
    var enabled: UInt32?
    var pid: UInt32?
    var backlogLimit: UInt32?
    var backlogWaitTime: UInt32?

    init(enabled: UInt32? = nil, pid: UInt32? = nil, backlogLimit: UInt32? = nil, backlogWaitTime: UInt32? = nil) {
        self.enabled = enabled
        self.pid = pid
        self.backlogLimit = backlogLimit
        self.backlogWaitTime = backlogWaitTime
    }

    var isEmpty: Bool { enabled == nil && pid == nil && backlogLimit == nil && backlogWaitTime == nil }

    /// The change that puts back, from `prior`, every field this change sets.
    func reverting(to prior: AuditStatus) -> AuditStatusChange {
        AuditStatusChange(
            enabled: enabled.map { _ in prior.enabled },
            pid: pid.map { _ in prior.pid },
            backlogLimit: backlogLimit.map { _ in prior.backlogLimit },
            backlogWaitTime: backlogWaitTime.map { _ in prior.backlogWaitTime })
    }

    /// This change, with the fields it leaves unset taken from `other`.
    func filling(from other: AuditStatusChange) -> AuditStatusChange {
        AuditStatusChange(enabled: enabled ?? other.enabled, pid: pid ?? other.pid,
                          backlogLimit: backlogLimit ?? other.backlogLimit,
                          backlogWaitTime: backlogWaitTime ?? other.backlogWaitTime)
    }

    var raw: auspex_audit_status {
        var raw = auspex_audit_status()
        if let enabled { raw.mask |= UInt32(AUSPEX_STATUS_ENABLED); raw.enabled = enabled }
        if let pid { raw.mask |= UInt32(AUSPEX_STATUS_PID); raw.pid = pid }
        if let backlogLimit { raw.mask |= UInt32(AUSPEX_STATUS_BACKLOG_LIMIT); raw.backlog_limit = backlogLimit }
        if let backlogWaitTime {
            raw.mask |= UInt32(AUSPEX_STATUS_BACKLOG_WAIT_TIME)
            raw.backlog_wait_time = backlogWaitTime
        }
        return raw
    }
}
