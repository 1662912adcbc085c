#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EventModel

/// One process instance as the table knows it: identity (pid + start time → entity id), image, ids, terminal,
/// ancestry and session. Updated in place as the instance's events arrive (execve changes the image, setsid the
/// session); a fork or a reused pid makes a new instance.
struct ProcessInstance: Sendable, Equatable {
    var pid: Int32
    /// Start time in clock ticks since boot: from `/proc`, else the audit time of the fork or first event.
    var startTicks: UInt64
    var entityID: String

    var executable: String?
    /// `comm`.
    var name: String?
    /// Argument vector of the current image (empty when unknown).
    var args: Arguments
    var workingDirectory: String?
    /// Decimal ids as the documents carry them.
    var userID: String?, effectiveUserID: String?, groupID: String?, effectiveGroupID: String?
    /// Controlling terminal (`pts7`), nil when none or unknown.
    var tty: String?
    /// Whether `tty` is known at all (a process without a terminal is known non-interactive).
    var ttyKnown: Bool

    var parentPid: Int32
    var parentEntityID: String?
    /// The table's storage index where the parent instance was last found, -1 before: checked before use, it
    /// saves the pid lookup on every event of the process.
    var parentIndexHint = -1
    var sessionID: Int32?
    var sessionLeader: LeaderReference?
    var entryLeader: LeaderReference?
    /// Defend's `process.entry_leader.entry_meta.type` of the entry leader (`sshd`, `terminal`, `init`, …).
    var entryMetaType: String?
    var processGroup: Int32?
    var groupLeader: LeaderReference?
    /// Executable before the last execve (Defend `process.previous.executable`).
    var previousExecutable: String?

    /// Changes, from the table's counter, whenever a field the enricher writes for the process or as a parent does
    /// (``ProcessTable/renderStamp(process:parent:)``).
    var renderVersion: UInt64 = 0

    /// Where the instance was first learnt.
    var origin: Origin
    /// Audit time of the exit_group, when seen: the entry lingers briefly for late (reordered) events.
    var exitedAtNanos: Int64?
    /// Audit time of the last event that touched it (eviction order).
    var lastSeenNanos: Int64

    enum Origin: String, Sendable {
        /// The start-up scan of `/proc`.
        case procScan
        /// A `/proc` lookup when an unknown pid appeared.
        case procLookup
        /// A fork/clone event.
        case fork
        /// First seen in an event after it had already left `/proc` (start time = that event's time).
        case synthetic
    }

    /// Whether the process has a controlling terminal, nil when unknown.
    @inline(__always) var interactive: Bool? { ttyKnown ? tty != nil : nil }

    /// This instance as a leader reference for its descendants.
    var asLeader: LeaderReference {
        LeaderReference(pid: pid, entityID: entityID, name: name, executable: executable, args: args)
    }

    /// What the event says about the process (its ids, terminal, name and, for an exec, its new image), applied in
    /// place. `execArguments`: the exec's vector as the table keeps it (nil for other events).
    /// Returns whether a field the enricher writes may have changed (``renderVersion``).
    mutating func update(with facts: ProcessFacts, execArguments: Arguments?) -> Bool {
        lastSeenNanos = facts.timeNanos
        var changed = Self.update(&userID, to: facts.userID)
        changed = Self.update(&effectiveUserID, to: facts.effectiveUserID) || changed
        changed = Self.update(&groupID, to: facts.groupID) || changed
        changed = Self.update(&effectiveGroupID, to: facts.effectiveGroupID) || changed
        if let terminal = facts.terminal {
            changed = Self.replace(&tty, with: terminal) || !ttyKnown || changed
            ttyKnown = true
        }
        changed = Self.update(&name, to: facts.name) || changed
        if let execArguments {
            if executable != facts.executable { previousExecutable = executable }
            args = execArguments
            if let cwd = facts.workingDirectory { workingDirectory = cwd }
            changed = true
        }
        if let executable = facts.executable { changed = Self.replace(&self.executable, with: executable) || changed }
        if facts.isExitGroup { exitedAtNanos = facts.timeNanos }
        return changed
    }

    /// Sets `field` to `value` unless nil or equal already: most events repeat the ids and name the instance holds,
    /// and equal short strings compare by their bits, cheaper than the retain and release of an assignment.
    @inline(__always)
    private static func update(_ field: inout String?, to value: String?) -> Bool {
        guard let value, field != value else { return false }
        field = value
        return true
    }

    /// Sets `field` to `value` unless it holds that very string already (``Swift/String/isIdentical(to:)``: the
    /// normalizer hands out the same texts of repeated values): an assignment retains one and releases the other.
    @inline(__always)
    private static func replace(_ field: inout String?, with value: String?) -> Bool {
        if let value, let old = field, old.isIdentical(to: value) || Self.sameBytes(old, value) { return false }
        if value == nil, field == nil { return false }
        field = value
        return true
    }

    /// Byte equality (not `==`'s Unicode equivalence: the documents carry the bytes).
    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        a.utf8.withContiguousStorageIfAvailable { a in
            b.utf8.withContiguousStorageIfAvailable { b in
                a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
            } ?? false
        } ?? false
    }

    /// setsid(): the process leads a new session and process group. It also becomes the entry leader when its
    /// parent is an entry point (`entryType`, from ``EntryPoints``) or it has no entry leader yet.
    mutating func beginSession(entryType: String?) {
        sessionID = pid
        sessionLeader = asLeader
        processGroup = pid
        groupLeader = asLeader
        if entryType != nil || entryLeader == nil {
            entryLeader = asLeader
            entryMetaType = entryType ?? "unknown"
        }
    }

    /// Takes the parent's session, entry and group (a new instance whose parent is known).
    mutating func inherit(from parent: ProcessInstance) {
        parentEntityID = parent.entityID
        sessionID = parent.sessionID
        sessionLeader = parent.sessionLeader
        entryLeader = parent.entryLeader
        entryMetaType = parent.entryMetaType
        processGroup = parent.processGroup
        groupLeader = parent.groupLeader
    }

    /// This instance, a copy of the parent, as the child a fork made: the parent's image, ids, terminal, session
    /// and leaders under the child's identity (a copy whole, then these few fields: cheaper than field by field).
    mutating func becomeForkedChild(pid: Int32, startTicks: UInt64, entityID: String, at time: Int64,
                                    parentIndex: Int) {
        parentPid = self.pid
        parentEntityID = self.entityID
        parentIndexHint = parentIndex
        self.pid = pid
        self.startTicks = startTicks
        self.entityID = entityID
        previousExecutable = nil
        origin = .fork
        exitedAtNanos = nil
        lastSeenNanos = time
    }

    /// What a storage place of the table holds once its instance has gone (nothing retained).
    static let vacant = ProcessInstance(pid: 0, startTicks: 0, entityID: "", args: .empty, ttyKnown: false,
                                        parentPid: 0, origin: .synthetic, lastSeenNanos: 0)
}

/// A copy of the identifying fields of a session, entry or group leader: descendants keep them even after the
/// leader has left the table.
struct LeaderReference: Sendable, Equatable {
    var pid: Int32
    var entityID: String
    var name: String?
    var executable: String?
    var args: Arguments
}

/// An argument vector with the document values built once: instances are written on many events (their own, their
/// children's as parent, their session's as leader), so the array and the command line are not rebuilt each time.
struct Arguments: Sendable, Equatable {
    /// The `process.args` elements, each a `.string`: an exec event's own value is kept as is (same storage).
    let values: [FieldValue]
    /// `process.command_line` value: the arguments joined by spaces (Defend's convention).
    let commandLine: FieldValue
    static let empty = Arguments(values: [])

    /// `values`: string elements only (an exec event's `process.args`).
    init(values: [FieldValue]) {
        self.values = values
        commandLine = .string(Self.joined(values))
    }

    init(_ strings: [String]) {
        self.init(values: strings.map(FieldValue.string))
    }

    /// `process.args` value.
    var field: FieldValue { .array(values) }
    var isEmpty: Bool { values.isEmpty }
    var count: Int { values.count }

    /// The string elements joined by single spaces, copied into one string of the final size
    /// (`joined(separator:)` cost ~2k instructions per exec).
    static func joined(_ values: [FieldValue]) -> String {
        var total = max(0, values.count - 1)
        for value in values { if case .string(let text) = value { total += text.utf8.count } }
        guard total > 0 else { return "" }
        return String(unsafeUninitializedCapacity: total) { out in
            var written = 0
            for (index, value) in values.enumerated() {
                guard case .string(var text) = value else { continue }
                if index > 0 {
                    out[written] = UInt8(ascii: " ")
                    written += 1
                }
                text.withUTF8 { bytes in
                    guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
                    (out.baseAddress! + written).update(from: source, count: bytes.count)
                    written += bytes.count
                }
            }
            return written
        }
    }
}
