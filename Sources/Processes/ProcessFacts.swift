import AuditRecords
import EventModel
import Reassembler

/// What one audit event says about its process, read from the SYSCALL (or first) record and the normalized
/// document (which already decoded hex `comm`/`exe`, EXECVE arguments and CWD).
public struct ProcessFacts: Sendable {
    public var timeNanos: Int64
    public var pid: Int32
    public var parentPid: Int32?
    /// Syscall name as the document names it (`auditd.data.syscall`), nil for non-syscall events.
    public var syscall: String?
    public var success: Bool
    /// Syscall return value (fork/clone: the child pid).
    public var exitValue: Int64?
    /// First syscall argument (clone flags).
    public var a0: UInt64?
    public var userID: String?, effectiveUserID: String?, groupID: String?, effectiveGroupID: String?
    /// `tty=` value; "(none)" means no terminal.
    public var tty: String?
    public var name: String?
    public var executable: String?
    public var args: [String]?
    public var workingDirectory: String?

    public init(timeNanos: Int64, pid: Int32, parentPid: Int32? = nil, syscall: String? = nil, success: Bool = true,
                exitValue: Int64? = nil, a0: UInt64? = nil) {
        self.timeNanos = timeNanos
        self.pid = pid
        self.parentPid = parentPid
        self.syscall = syscall
        self.success = success
        self.exitValue = exitValue
        self.a0 = a0
    }

    /// The facts of `event`, or nil when no record names a pid.
    public init?(event: AuditEvent, document: Document) {
        guard let record = event.syscall ?? event.records.first(where: { $0.contains("pid") }),
              let pidValue = record["pid"]?.int, pidValue > 0, pidValue <= Int64(Int32.max) else { return nil }
        let time = (event.records.first?.timestamp ?? event.timestamp).nanosecondsSinceEpoch
        self.init(timeNanos: time, pid: Int32(pidValue))
        if let ppid = record["ppid"]?.int, ppid >= 0, ppid <= Int64(Int32.max) { parentPid = Int32(ppid) }
        if record.type == .syscall {
            syscall = document["auditd.data.syscall"]?.stringValue
            success = record["success"]?.rawEquals("yes") ?? false
            exitValue = record["exit"]?.int
            a0 = record["a0"]?.hexUInt
        }
        userID = record["uid"]?.rawString
        effectiveUserID = record["euid"]?.rawString
        groupID = record["gid"]?.rawString
        effectiveGroupID = record["egid"]?.rawString
        tty = record["tty"]?.rawString
        name = document["process.name"]?.stringValue
        executable = document["process.executable"]?.stringValue
        if case .array(let values)? = document["process.args"] { args = values.compactMap(\.stringValue) }
        workingDirectory = document["process.working_directory"]?.stringValue
    }

    /// The terminal name, nil for "(none)"/"?"; `.some(nil)` means "known to have none".
    var terminal: String?? {
        guard let tty else { return .none }
        return tty == "(none)" || tty == "?" || tty.isEmpty ? .some(nil) : .some(tty)
    }

    var isSuccessfulExec: Bool { success && (syscall == "execve" || syscall == "execveat") }
    var isSuccessfulSetsid: Bool { success && syscall == "setsid" }
    var isExitGroup: Bool { syscall == "exit_group" }

    /// The child pid of a successful fork/vfork/clone/clone3 that made a new process (not a thread).
    var forkedChild: Int32? {
        guard success, let syscall, ProcessFacts.forkSyscalls.contains(syscall),
              let child = exitValue, child > 0, child <= Int64(Int32.max) else { return nil }
        // CLONE_THREAD (0x10000) makes a thread of the same process; clone3 passes a struct pointer, so its
        // flags are unknown and it counts as a fork (a stray thread entry is pruned later).
        if syscall == "clone", let flags = a0, flags & 0x10000 != 0 { return nil }
        return Int32(child)
    }

    static let forkSyscalls: Set<String> = ["fork", "vfork", "clone", "clone3"]
}
