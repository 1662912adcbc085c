import AuditRecords
import EventModel
import Events
import Reassembler

/// What one audit event says about its process, read from the SYSCALL (or first) record and the normalized
/// normalizer's slots (which already decoded hex `comm`/`exe`, EXECVE arguments and CWD).
struct ProcessFacts: Sendable {
    var timeNanos: Int64
    var pid: Int32
    var parentPid: Int32?
    /// Syscall name as the document names it (`auditd.data.syscall`), nil for non-syscall events.
    var syscall: String?
    var success: Bool
    /// Syscall return value (fork/clone: the child pid).
    var exitValue: Int64?
    /// First syscall argument (clone flags).
    var a0: UInt64?
    var userID: String?, effectiveUserID: String?, groupID: String?, effectiveGroupID: String?
    /// `tty=` value; "(none)" means no terminal.
    var tty: String?
    var name: String?
    var executable: String?
    var args: [String]?
    /// The `process.args` value `args` was read from (every element a string), for the table to keep as is.
    var argsField: FieldValue?
    var workingDirectory: String?

    init(timeNanos: Int64, pid: Int32, parentPid: Int32? = nil, syscall: String? = nil, success: Bool = true,
                exitValue: Int64? = nil, a0: UInt64? = nil) {
        self.timeNanos = timeNanos
        self.pid = pid
        self.parentPid = parentPid
        self.syscall = syscall
        self.success = success
        self.exitValue = exitValue
        self.a0 = a0
    }

    /// The facts of `event`, or nil when no record names a pid. `slots`: what the normalizer wrote for it
    /// (decoded hex `comm`/`exe`, EXECVE arguments, CWD).
    init?(event: AuditEvent, slots: EventSlots) {
        guard let record = event.syscall ?? event.records.first(where: { $0.contains("pid") }) else { return nil }
        let time = (event.records.first?.timestamp ?? event.timestamp).nanosecondsSinceEpoch
        self.init(timeNanos: time, pid: 0)
        let isSyscall = record.type == .syscall
        if isSyscall, let identity = slots.syscallIdentity {
            take(identity)
        } else {
            scan(record, isSyscall: isSyscall)
        }
        guard pid > 0 else { return nil }
        if !isSyscall { success = false }
        if isSyscall { syscall = slots[.auditdDataSyscall].stringValue }
        name = slots[.processName].stringValue
        executable = slots[.processExecutable].stringValue
        if case .array(let values) = slots[.processArgs] {
            let strings = values.compactMap(\.stringValue)
            args = strings
            if strings.count == values.count { argsField = slots[.processArgs] }
        }
        workingDirectory = slots[.processWorkingDirectory].stringValue
    }

    /// The identity the normalizer read from the SYSCALL record (the same keys `scan` reads).
    private mutating func take(_ identity: SyscallIdentity) {
        pid = Self.pid(identity.pid) ?? 0
        parentPid = Self.pid(identity.parentPid)
        success = identity.success
        exitValue = identity.exit
        a0 = identity.a0
        userID = identity.userID
        effectiveUserID = identity.effectiveUserID
        groupID = identity.groupID
        effectiveGroupID = identity.effectiveGroupID
        tty = identity.tty
    }

    /// One pass over the record's keys, compared as bytes (no string per key): events the normalizer read no
    /// SYSCALL identity from.
    private mutating func scan(_ record: AuditRecord, isSyscall: Bool) {
        for index in record.fields.indices {
            guard let key = KnownKey(record.key(at: index)) else { continue }
            let value = record.value(at: index)
            switch key {
            case .pid: pid = Self.pid(value.int) ?? 0
            case .ppid: parentPid = Self.pid(value.int)
            case .success: if isSyscall { success = value.rawEquals("yes") }
            case .exit: if isSyscall { exitValue = value.int }
            case .a0: if isSyscall { a0 = value.hexUInt }
            case .uid: userID = value.rawString
            case .euid: effectiveUserID = value.rawString
            case .gid: groupID = value.rawString
            case .egid: effectiveGroupID = value.rawString
            case .tty: tty = value.rawString
            default: break
            }
        }
    }

    private static func pid(_ value: Int64?) -> Int32? {
        guard let value, value >= 0, value <= Int64(Int32.max) else { return nil }
        return Int32(value)
    }

    /// The terminal name, nil for "(none)"/"?"; `.some(nil)` means "known to have none".
    var terminal: String?? {
        guard let tty else { return .none }
        return tty == "(none)" || tty == "?" || tty.isEmpty ? .some(nil) : .some(tty)
    }

    var isSuccessfulExec: Bool { success && (syscall == "execve" || syscall == "execveat") }
    /// An execve/execveat the kernel refused (a `PATH` search's misses, ENOENT/EACCES): the caller keeps running,
    /// and the kernel wrote no EXECVE record, so the event has no arguments of the program tried.
    var isFailedExec: Bool { !success && (syscall == "execve" || syscall == "execveat") }
    var isSuccessfulSetsid: Bool { success && syscall == "setsid" }
    var isExitGroup: Bool { syscall == "exit_group" }

    /// The new task's id of a successful fork/vfork/clone/clone3, thread or process.
    var clonedTask: Int32? {
        guard success, let syscall, ProcessFacts.forkSyscalls.contains(syscall),
              let child = exitValue, child > 0, child <= Int64(Int32.max) else { return nil }
        return Int32(child)
    }

    /// The child pid of a successful fork/vfork/clone/clone3 that made a new process as far as the record tells:
    /// clone's CLONE_THREAD (0x10000) makes a thread instead. clone3 passes its flags in a struct the record does
    /// not show, so the table asks `/proc` (``ProcSource/threadGroupID(of:)``).
    var forkedChild: Int32? {
        guard let child = clonedTask else { return nil }
        if syscall == "clone", let flags = a0, flags & 0x10000 != 0 { return nil }
        return child
    }

    var isClone3: Bool { syscall == "clone3" }

    static let forkSyscalls: Set<String> = ["fork", "vfork", "clone", "clone3"]
}
