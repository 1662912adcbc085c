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
    var sessionID: Int32?
    var sessionLeader: LeaderReference?
    var entryLeader: LeaderReference?
    /// Defend's `process.entry_leader.entry_meta.type` of the entry leader (`sshd`, `terminal`, `init`, …).
    var entryMetaType: String?
    var processGroup: Int32?
    var groupLeader: LeaderReference?
    /// Executable before the last execve (Defend `process.previous.executable`).
    var previousExecutable: String?

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
    var interactive: Bool? { ttyKnown ? tty != nil : nil }

    /// This instance as a leader reference for its descendants.
    var asLeader: LeaderReference {
        LeaderReference(pid: pid, entityID: entityID, name: name, executable: executable, args: args)
    }
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
    let strings: [String]
    /// `process.args` value.
    let field: FieldValue
    /// `process.command_line` value: the arguments joined by spaces (Defend's convention).
    let commandLine: FieldValue
    static let empty = Arguments([])

    /// `field`: the `process.args` value of `strings` when the caller has it already.
    init(_ strings: [String], field: FieldValue? = nil) {
        self.strings = strings
        self.field = field ?? .array(strings.map(FieldValue.string))
        commandLine = .string(strings.joined(separator: " "))
    }

    var isEmpty: Bool { strings.isEmpty }
    var count: Int { strings.count }
}
