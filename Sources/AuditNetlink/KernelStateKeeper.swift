/// The kernel state file for one session: reads what an earlier run left there, saves this run's originals before
/// the first change, and removes the file once they are restored. Never fails the session: every problem becomes
/// one notice and the session behaves as it would without the file.
struct KernelStateKeeper {
    let file: KernelStateFile
    /// The originals recorded by a run of this boot that is gone without restoring them (SIGKILL, crash).
    private(set) var recovered: AuditStatusChange?
    /// Lines for the operator: the recovery, and why the file could not be used.
    private(set) var notices: [String] = []
    private let bootID: String?
    private let identity: ProcessIdentity?
    /// The pid of the auspex whose record the file holds when that record is not this session's to use: a running
    /// one, or a dead one while this session is not the audit daemon. Neither trusted nor replaced.
    private var liveOwner: Int32?
    /// A file is there that must not be trusted (another boot's, corrupt): replaced or removed.
    private var stale = false
    private var saved = false

    /// - Parameter adoptsRecovery: whether a dead run's record is this session's to restore (the audit daemon's);
    ///   otherwise such a record is left for the next one, untouched.
    init(file: KernelStateFile, adoptsRecovery: Bool = true, bootID: String? = KernelStateFile.currentBootID(),
         identity: ProcessIdentity? = .current()) {
        self.file = file
        self.bootID = bootID
        self.identity = identity
        guard bootID != nil, identity != nil else {
            notices.append("cannot read the boot id or this process's start time from /proc; \(Self.cleanStopOnly)")
            return
        }
        switch file.read() {
        case .absent:
            break
        case .unreadable(let error):
            notices.append("ignoring the kernel state file \(file.path) (\(error)); the settings found now are the "
                + "ones restored at stop")
            stale = true
        case .record(let record) where record.bootID != bootID:
            stale = true // settings do not outlive a reboot
        case .record(let record) where record.owner.isRunning:
            liveOwner = record.owner.pid
        case .record(let record) where !adoptsRecovery:
            liveOwner = record.owner.pid  // not ours to restore or replace: left for the next audit daemon
            notices.append("the kernel state file \(file.path) records the settings of auspex pid \(record.owner.pid), "
                + "which did not stop cleanly; left for the next run that owns the audit socket to restore")
        case .record(let record):
            recovered = record.originals
            notices.append("previous run did not stop cleanly; restoring the settings it recorded "
                + "(\(Self.describe(record.originals)); pid \(record.owner.pid), \(file.path)) when this run stops")
        }
    }

    private static let cleanStopOnly = "the kernel settings are restored on a clean stop, not after a crash"

    /// Records `originals` (what stop will restore) before anything changes; nothing to restore removes a stale file.
    mutating func save(_ originals: AuditStatusChange) {
        guard let bootID, let identity else { return }
        if let liveOwner {
            if !originals.isEmpty {
                notices.append("the kernel state file \(file.path) holds the record of auspex pid \(liveOwner); "
                    + "leaving it alone: \(Self.cleanStopOnly)")
            }
            return
        }
        if originals.isEmpty {
            if stale || recovered != nil { try? file.remove() }
            return
        }
        do {
            try file.write(KernelStateRecord(bootID: bootID, owner: identity, originals: originals))
            saved = true
        } catch {
            notices.append("cannot write the kernel state file (\(error)); \(Self.cleanStopOnly)")
        }
    }

    /// After a clean restore: removes the file if it is still this process's record.
    mutating func release() throws(KernelStateFileError) {
        guard saved else { return }
        saved = false
        if case .record(let record) = file.read(), record.owner == identity { try file.remove() }
    }

    static func describe(_ settings: AuditStatusChange) -> String {
        var parts: [String] = []
        if let enabled = settings.enabled { parts.append("enabled \(enabled)") }
        if let backlogLimit = settings.backlogLimit { parts.append("backlog_limit \(backlogLimit)") }
        if let backlogWaitTime = settings.backlogWaitTime { parts.append("backlog_wait_time \(backlogWaitTime)") }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
