import AuditRecords
import EventModel
import Events
import Reassembler

/// What one audit event says about its process, read from the SYSCALL (or first) record and the normalized
/// normalizer's slots (which already decoded hex `comm`/`exe`, EXECVE arguments and CWD).
struct ProcessFacts: Sendable {
    var timeNanos: Int64 = 0
    var pid: Int32 = 0
    var parentPid: Int32?
    /// What the table makes of the syscall, nil for non-syscall events.
    var call: Call?
    var success = true
    /// Syscall return value (fork/clone: the child pid).
    var exitValue: Int64?
    /// First syscall argument (clone flags).
    var a0: UInt64?
    /// The ids and terminal as text (`tty`: "(none)" means no terminal): the normalizer's ``SyscallIdentity``
    /// itself, moved in whole (taking its strings one by one cost a move and a release each), else scanned.
    private var identity: SyscallIdentity
    var userID: String? { identity.userID }
    var effectiveUserID: String? { identity.effectiveUserID }
    var groupID: String? { identity.groupID }
    var effectiveGroupID: String? { identity.effectiveGroupID }
    var tty: String? { identity.tty }
    var name: String?
    var executable: String?
    /// The `process.args` elements (each a `.string`), nil when the event has none.
    var args: [FieldValue]?
    var workingDirectory: String?

    /// The syscalls the table acts on, classified once per event from the name the document carries.
    enum Call: Sendable, Equatable {
        case exec, setsid, exitGroup, fork, clone, clone3
        /// rename, renameat, renameat2 (``FileFields``).
        case rename
        case other

        /// By `auditd.data.syscall`, compared as bytes (a `switch` over strings compared each case in turn).
        init(name: String) {
            var name = name
            self = name.withUTF8 { bytes in
                func equals(_ literal: StaticString) -> Bool {
                    guard literal.utf8CodeUnitCount == bytes.count else { return false }
                    for index in 0..<bytes.count where literal.utf8Start[index] != bytes[index] { return false }
                    return true
                }
                switch bytes.first {
                case UInt8(ascii: "e"):
                    if equals("execve") || equals("execveat") { return .exec }
                    return equals("exit_group") ? .exitGroup : .other
                case UInt8(ascii: "s"): return equals("setsid") ? .setsid : .other
                case UInt8(ascii: "f"): return equals("fork") ? .fork : .other
                case UInt8(ascii: "v"): return equals("vfork") ? .fork : .other
                case UInt8(ascii: "c"):
                    if equals("clone") { return .clone }
                    return equals("clone3") ? .clone3 : .other
                case UInt8(ascii: "r"): return bytes.starts(with: "rename".utf8) ? .rename : .other
                default: return .other
                }
            }
        }
    }

    /// The facts of `event`; ``isKnown`` is false when no record names a pid (not an optional: one was copied
    /// whole on its way out). `slots`: what the normalizer wrote for it (decoded hex `comm`/`exe`, EXECVE
    /// arguments, CWD); `identity`: what it read from the SYSCALL record, nil when the caller has none (the record
    /// is scanned). Records are read in place (a copy retains their storage).
    static func of(_ event: borrowing AuditEvent, slots: borrowing EventSlots,
                   identity: consuming SyscallIdentity?) -> ProcessFacts {
        // Read into a local and returned (moved): an initializer doing the same copied itself whole at the end.
        // The identity is moved in once, at initialization (assigned later, the empty one was destroyed first).
        var facts: ProcessFacts
        let hasIdentity: Bool
        switch consume identity {  // not `!= nil` or `??`: each copied the identity
        case .some(let taken):
            facts = ProcessFacts(identity: taken)
            hasIdentity = true
        case .none:
            facts = ProcessFacts(identity: SyscallIdentity())
            hasIdentity = false
        }
        facts.read(event, slots: slots, hasIdentity: hasIdentity)
        return facts
    }

    private init(identity: consuming SyscallIdentity) {
        self.identity = identity
    }

    private mutating func read(_ event: borrowing AuditEvent, slots: borrowing EventSlots, hasIdentity: Bool) {
        guard let index = event.records.firstIndex(where: { $0.type == .syscall })
            ?? event.records.firstIndex(where: Self.hasPid) else { return }
        timeNanos = (event.records.isEmpty ? event.timestamp : event.records[0].timestamp).nanosecondsSinceEpoch
        let isSyscall = event.records[index].type == .syscall
        if isSyscall && hasIdentity {
            takeNumbersFromIdentity()
        } else {
            if hasIdentity { identity = SyscallIdentity() }  // not the record read here: scanned instead
            scan(event.records[index], isSyscall: isSyscall)
        }
        guard pid > 0 else { return }
        if isSyscall {
            call = slots[.auditdDataSyscall].stringValue.map(Call.init(name:))
        } else {
            success = false
        }
        name = slots[.processName].stringValue
        executable = slots[.processExecutable].stringValue
        if case .array(let values) = slots[.processArgs] {
            // The normalizer writes strings only; anything else would not be an argument.
            args = values.allSatisfy { $0.stringValue != nil } ? values : values.filter { $0.stringValue != nil }
        }
        workingDirectory = slots[.processWorkingDirectory].stringValue
    }

    /// Whether the event named its process.
    var isKnown: Bool { pid > 0 }

    /// The numbers of the identity the normalizer read from the SYSCALL record (the same keys `scan` reads).
    private mutating func takeNumbersFromIdentity() {
        pid = Self.pid(identity.pid) ?? 0
        parentPid = Self.pid(identity.parentPid)
        success = identity.success
        exitValue = identity.exit
        a0 = identity.a0
    }

    /// Whether a record has a `pid` key (an event with no SYSCALL record may still name its process).
    private static func hasPid(_ record: AuditRecord) -> Bool {
        record.withBorrowedFields { fields in (0..<fields.count).contains { fields.key(at: $0).equals("pid") } }
    }

    /// One pass over the record's keys, compared as bytes (no string per key): events the normalizer read no
    /// SYSCALL identity from.
    private mutating func scan(_ record: AuditRecord, isSyscall: Bool) {
        record.withBorrowedFields { fields in
            for index in 0..<fields.count {
                guard let key = KnownKey(fields.key(at: index)) else { continue }
                let value = fields.value(at: index)
                switch key {
                case .pid: pid = Self.pid(value.int) ?? 0
                case .ppid: parentPid = Self.pid(value.int)
                case .success: if isSyscall { success = value.raw.equals("yes") }
                case .exit: if isSyscall { exitValue = value.int }
                case .a0: if isSyscall { a0 = value.hexUInt }
                case .uid: identity.userID = value.rawString
                case .euid: identity.effectiveUserID = value.rawString
                case .gid: identity.groupID = value.rawString
                case .egid: identity.effectiveGroupID = value.rawString
                case .tty: identity.tty = value.rawString
                default: break
                }
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

    var isSuccessfulExec: Bool { success && call == .exec }
    /// An execve/execveat the kernel refused (a `PATH` search's misses, ENOENT/EACCES): the caller keeps running,
    /// and the kernel wrote no EXECVE record, so the event has no arguments of the program tried.
    var isFailedExec: Bool { !success && call == .exec }
    var isSuccessfulSetsid: Bool { success && call == .setsid }
    var isExitGroup: Bool { call == .exitGroup }
    var isRename: Bool { call == .rename }

    /// The new task's id of a successful fork/vfork/clone/clone3, thread or process.
    var clonedTask: Int32? {
        guard success, call == .fork || call == .clone || call == .clone3,
              let child = exitValue, child > 0, child <= Int64(Int32.max) else { return nil }
        return Int32(child)
    }

    /// The child pid of a successful fork/vfork/clone/clone3 that made a new process as far as the record tells:
    /// clone's CLONE_THREAD (0x10000) makes a thread instead. clone3 passes its flags in a struct the record does
    /// not show, so the table asks `/proc` (``ProcSource/threadGroupID(of:)``).
    var forkedChild: Int32? {
        guard let child = clonedTask else { return nil }
        if call == .clone, let flags = a0, flags & 0x10000 != 0 { return nil }
        return child
    }

    var isClone3: Bool { call == .clone3 }
}
