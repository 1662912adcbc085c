import Alerting
#if canImport(Glibc)
import Glibc
#endif

/// Changes to the kernel audit state made behind auspex's back, checked by the main loop once a second.
///
/// - Auditing turned off (`enabled` 0; journald's default `Audit=no` does this each time journald starts): auspex
///   turns it back on at once and says so; records the kernel did not produce meanwhile are not counted anywhere.
/// - Another process tried to become the audit daemon (auditd starting): the kernel refuses it while auspex is alive
///   and asks auspex (AUDIT_REPLACE) whether it is; auspex keeps the socket and says who tried.
/// - Another pid is the audit daemon (unicast): the kernel no longer sends auspex any record. auspex exits 1, so that
///   systemd restarts it; the restart refuses to start while the other daemon owns the socket (exit 1, until
///   StartLimitBurst), which the operator sees as a failed unit. auspex never takes the socket back by force.
enum AuditStateFinding: Equatable {
    case auditingTurnedOff
    case replaceAttempted(count: UInt64, byPID: UInt32, command: String?)
    case ownershipLost(toPID: UInt32)
}

struct AuditStateWatch {
    /// `MESSAGE_ID`s of the journal warnings, one per finding.
    static let auditingTurnedOffID = "e0629f227e8747f19a4474f193e6f0ff"
    static let replaceAttemptedID = "5c3d82b591084560830c4fdb723d5463"
    static let ownershipLostID = "216e2fed3fa04782bc79cee0cd751d4e"

    let unicast: Bool
    let ownPID: UInt32
    private var replaceRequestsSeen: UInt64 = 0
    private var off = false
    /// Times auditing was found turned off by another process.
    private(set) var turnedOff: UInt64 = 0
    /// AUDIT_REPLACE requests seen: processes that tried to become the audit daemon.
    var replaceAttempts: UInt64 { replaceRequestsSeen }

    init(unicast: Bool, ownPID: UInt32 = UInt32(getpid())) {
        self.unicast = unicast
        self.ownPID = ownPID
    }

    /// What changed since the last check, given the kernel's `enabled` and audit pid and the AUDIT_REPLACE requests
    /// seen so far. `auditingTurnedOff` is reported once per change from on to off (the caller turns it on again in
    /// unicast mode; beside another audit daemon it only warns).
    mutating func check(enabled: UInt32, pid: UInt32, replaceRequests: UInt64, lastReplacePID: UInt32,
                        lastReplaceCommand: String? = nil) -> [AuditStateFinding]
    {
        var findings: [AuditStateFinding] = []
        if enabled == 0, !off {
            findings.append(.auditingTurnedOff)
            turnedOff += 1
        }
        off = enabled == 0 && !unicast
        if replaceRequests > replaceRequestsSeen {
            findings.append(.replaceAttempted(count: replaceRequests - replaceRequestsSeen, byPID: lastReplacePID,
                                              command: lastReplaceCommand))
            replaceRequestsSeen = replaceRequests
        }
        if unicast, pid != ownPID { findings.append(.ownershipLost(toPID: pid)) }
        return findings
    }

    /// The operator's line for a finding.
    static func message(_ finding: AuditStateFinding) -> String {
        switch finding {
        case .auditingTurnedOff:
            return "kernel auditing was turned off by another process (journald's Audit=no does this when journald "
                + "starts); in unicast mode auspex turns it back on. Records of the time it was off were never produced"
        case .replaceAttempted(let count, let pid, let command):
            return "another process (pid \(pid)\(command.map { ", \($0)" } ?? "")) tried to become the kernel's "
                + "audit daemon\(count > 1 ? " (\(count) attempts)" : ""); the kernel refused it and auspex keeps the "
                + "audit socket. Run auditd beside auspex with [audit] mode = \"multicast\" instead"
        case .ownershipLost(let pid):
            return "lost the kernel audit socket: pid \(pid) is now the audit daemon and auspex receives no records; "
                + "exiting 1 (systemd restarts auspex once the socket is free)"
        }
    }

    static func messageID(_ finding: AuditStateFinding) -> String {
        switch finding {
        case .auditingTurnedOff: return auditingTurnedOffID
        case .replaceAttempted: return replaceAttemptedID
        case .ownershipLost: return ownershipLostID
        }
    }

    /// Sends the warning to journald off the calling thread (a stalled journald must not stall the main loop); waits
    /// up to a second for the send when the daemon is about to exit (`ownershipLost`), so the warning is not lost.
    static func sendJournalWarning(_ finding: AuditStateFinding, send: @escaping LifecycleJournal.Send = JournalEntry.send) {
        let fields: [(name: String, value: String)] = [
            ("MESSAGE", "auspex: " + message(finding)), ("PRIORITY", finding == .auditingTurnedOff ? "4" : "3"),
            ("SYSLOG_IDENTIFIER", JournalEntry.syslogIdentifier), ("MESSAGE_ID", messageID(finding)),
        ]
        var beforeExit = false
        if case .ownershipLost = finding { beforeExit = true }
        LifecycleJournal.deliver(fields, beforeExit: beforeExit, send: send)
    }
}
