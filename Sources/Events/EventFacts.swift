import EventModel
import AuditRecords
import Reassembler

/// Everything the document needs from one audit event, gathered in a single pass over its records.
///
/// Mirrors go-libaudit's coalescing (ecs-mapping.md §1.4): the first non-SYSCALL record before the SYSCALL gives
/// the event its type; identity, result, session and tags come from the SYSCALL record (or the only record);
/// PATH, SOCKADDR and EXECVE records have their own slots; every other key lands in `data` (first one wins).
/// Frequently used keys live in named slots so the builder never searches a dictionary for them.
struct EventFacts {
    /// Record type that names the event (`auditd.message_type`, record-type normalization).
    var eventType: AuditRecordType
    var isCompound = false
    /// The normalization describing the event, chosen once the facts are complete
    /// (``Summarizer/chooseNormalization(_:)``).
    var normalization: Normalization?
    /// `source.ip`, taken from `data[sourceIPDataIndex]` by the normalization's keys (that entry is no data field).
    var sourceIP: String?
    var sourceIPDataIndex: Int?

    var result = EventResult.unknown
    var session: String?
    var tags: [String] = []
    /// `*uid` / `*gid` keys of the identity record, in order (`auid` → "unset" when unset), each with its kind
    /// so the builder routes it without comparing key strings.
    var ids = IdentityIDs()
    /// `subj=` split into SELinux parts (`user`, `role`, `domain`, `level`, `category`).
    var selinux: [(key: String, value: String)] = []

    // Slots for the keys every syscall event has.
    var syscall: String?
    /// The normalization of `syscall`: found by index when it was named from its number, else by name once the facts
    /// are complete.
    var syscallNormalization: Normalization?
    var arch: String?
    var exit: String?
    var a0: String?, a1: String?, a2: String?, a3: String?
    var tty: String?
    var items: String?
    var pid = DecimalField(), ppid = DecimalField()
    var comm: String?, exe: String?, cwd: String?, proctitle: String?

    /// All other keys, in order of appearance, names as logged.
    var data: [(key: String, value: String)] = [] {
        didSet { if data.count < dataKeysIndexed { dataKeys.removeAll(); dataKeysIndexed = 0 } }
    }
    /// The keys of `data[..<dataKeysIndexed]`, built only once `data` is long (a record with thousands of keys
    /// must not cost a linear search per key); a removal resets it.
    var dataKeys: Set<String> = []
    var dataKeysIndexed = 0
    /// Beyond this many generic keys, `hasData` looks them up in a set.
    static let linearSearchLimit = 64

    var argc: String?
    /// `process.args`, as the document's values.
    var args: [FieldValue]?
    var socket: SocketFacts?
    /// PATH records as ordered key/value lists.
    var paths: [[(key: String, value: String)]] = []

    struct SocketFacts {
        var family: String
        var addr: String?
        var port: String?
        var path: String?
        var flow: String?
        /// Raw hex for families without a decoding (netlink, unknown).
        var saddr: String?
    }

    /// The value of a data key, looking in the slots first (go-libaudit `getValue` also falls back to ids).
    func value(of key: String) -> String? {
        switch key {
        case "syscall": return syscall
        case "arch": return arch
        case "exit": return exit
        case "tty": return tty
        case "pid": return pid.text
        case "ppid": return ppid.text
        case "comm": return comm
        case "exe": return exe
        case "cwd": return cwd
        case "proctitle": return proctitle
        default: break
        }
        if let entry = data.first(where: { $0.key == key }) { return entry.value }
        return ids.first(named: key)
    }

    /// Whether a data key (slot or generic) is already set; identity ids do not count.
    func hasData(_ key: String) -> Bool {
        switch key {
        case "a0": return a0 != nil
        case "a1": return a1 != nil
        case "a2": return a2 != nil
        case "a3": return a3 != nil
        case "items": return items != nil
        case "syscall": return syscall != nil
        case "arch": return arch != nil
        case "exit": return exit != nil
        case "tty": return tty != nil
        case "pid": return pid.isSet
        case "ppid": return ppid.isSet
        case "comm": return comm != nil
        case "exe": return exe != nil
        case "cwd": return cwd != nil
        case "proctitle": return proctitle != nil
        default: return data.contains { $0.key == key }
        }
    }

    /// `hasData` for the collector, which asks once per key of every record: beyond `linearSearchLimit` generic
    /// keys the lookup goes through `dataKeys` (updated here), so it stays linear in the keys of the event.
    /// `known`, when the caller recognised the key already, answers slot keys without comparing strings (every
    /// slot key is a ``KnownKey``, so an unrecognised key is a generic one).
    mutating func containsData(_ key: String, known: KnownKey?) -> Bool {
        switch known {
        case .a0: return a0 != nil
        case .a1: return a1 != nil
        case .a2: return a2 != nil
        case .a3: return a3 != nil
        case .items: return items != nil
        case .syscall: return syscall != nil
        case .arch: return arch != nil
        case .exit: return exit != nil
        case .tty: return tty != nil
        case .pid: return pid.isSet
        case .ppid: return ppid.isSet
        case .comm: return comm != nil
        case .exe: return exe != nil
        case .cwd: return cwd != nil
        case .proctitle: return proctitle != nil
        default: break
        }
        guard data.count > Self.linearSearchLimit else {
            let length = key.utf8.count  // compared first: cheap for short keys, and most differ in length
            return data.contains { $0.key.utf8.count == length && $0.key == key }
        }
        return containsData(key)
    }

    mutating func containsData(_ key: String) -> Bool {
        guard data.count > Self.linearSearchLimit, !Self.slotKeys.contains(key) else { return hasData(key) }
        while dataKeysIndexed < data.count {
            dataKeys.insert(data[dataKeysIndexed].key)
            dataKeysIndexed += 1
        }
        return dataKeys.contains(key)
    }

    private static let slotKeys: Set<String> = ["a0", "a1", "a2", "a3", "items", "syscall", "arch", "exit", "tty", "pid",
                                                "ppid", "comm", "exe", "cwd", "proctitle"]

    /// Removes a generic data key (go-libaudit deletes `addr` once it became `source.ip`).
    mutating func removeData(_ key: String) {
        data.removeAll { $0.key == key }
    }
}

/// `pid=` / `ppid=` (`process.pid`, `process.parent.pid`, which are longs): a value spelled as a plain decimal is
/// read as its number with no text built (every syscall event has two); any other is kept as text, and made a number
/// or dropped by ``checkNumber(counters:)``.
struct DecimalField {
    private(set) var number: Int64?
    private var spelled: String?

    var isSet: Bool { number != nil || spelled != nil }
    /// The value as logged (a plain decimal spells its number).
    var text: String? { spelled ?? number.map { String($0) } }

    /// The number `raw` spells plainly (digits, no leading zero, at most 18 of them), or nil.
    static func plain(_ raw: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard raw.count > 0, raw.count <= 18, raw.count == 1 || raw[0] != UInt8(ascii: "0") else { return nil }
        var number: Int64 = 0
        for byte in raw {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            number = number &* 10 &+ Int64(digit)
        }
        return number
    }

    mutating func set(number: Int64) { self.number = number }
    mutating func set(text: String) { spelled = text }

    /// A value kept as text becomes its number; one that is not a decimal number is dropped and counted.
    mutating func checkNumber(counters: inout NormalizerCounters) {
        guard let spelled else { return }
        if let parsed = Int64(spelled) {
            number = parsed
        } else {
            self.spelled = nil
            counters.malformedNumber += 1
        }
    }
}

/// `auditd.result`: the identity record's `success=` / `res=` as go-libaudit reads it.
enum EventResult: String {
    case success, fail, unknown

    /// `event.outcome`.
    var outcome: String {
        switch self {
        case .success: "success"
        case .fail: "failure"
        case .unknown: "unknown"
        }
    }
}

/// What the normalizer could not decode, counted rather than thrown: the document is still emitted.
public struct NormalizerCounters: Sendable, Equatable {
    /// Events handed over with no records at all.
    var emptyEvents: UInt64 = 0
    /// Multi-record events without a SYSCALL record (go-libaudit rejects them; we emit what we have).
    var missingSyscallRecord: UInt64 = 0
    /// SYSCALL records whose `arch=` is not a known AUDIT_ARCH value.
    var unknownArch: UInt64 = 0
    /// Syscall numbers without a name on their architecture (kept as the number).
    var unknownSyscall: UInt64 = 0
    /// SOCKADDR records whose `saddr=` is not hex or too short.
    var malformedSockaddr: UInt64 = 0
    /// EXECVE argument vectors with missing pieces (lost records, `argc` larger than the arguments found).
    var incompleteExecve: UInt64 = 0
    /// `pid=` / `ppid=` values that are not decimal numbers (the field is left out).
    var malformedNumber: UInt64 = 0
    /// Values cut to `Normalizer.maxValueBytes` / argument vectors cut to `maxArguments`.
    var truncatedValues: UInt64 = 0

    public init() {}
}

/// The `*uid` / `*gid` keys of the identity record (go-libaudit `User.IDs`): the usual nine in fixed places (a list
/// was allocated for them on every event), the login record's `old-auid`/`new-auid` and any other in order.
/// A key repeated in one record (a forged one) keeps its first value for the summary and its last set one for the
/// fields, as the fields are written in order.
struct IdentityIDs {
    /// One fixed key's values.
    struct Values {
        /// The first value logged (the summary's actor).
        var first: String?
        /// The last value that is set (not `unset`): the fields.
        var lastSet: String?

        /// Notes one more value of the key.
        mutating func note(_ value: String) {
            if first == nil { first = value }
            if IdentityEntry.isSet(value) { lastSet = value }
        }
    }

    var uid = Values(), gid = Values(), euid = Values(), egid = Values()
    var auid = Values(), suid = Values(), sgid = Values(), fsuid = Values(), fsgid = Values()
    /// `old-auid`, `new-auid` and unusual keys, in order.
    private(set) var others: [IdentityEntry] = []

    /// The fixed kinds with their key names, for the lookups by name.
    private static let fixedKeys: [(kind: IdentityKind, key: String)] = [
        (.uid, "uid"), (.gid, "gid"), (.euid, "euid"), (.egid, "egid"), (.auid, "auid"), (.suid, "suid"),
        (.sgid, "sgid"), (.fsuid, "fsuid"), (.fsgid, "fsgid"),
    ]

    /// The values of a fixed kind (nil for `oldAuid`, `newAuid` and `other`).
    subscript(kind: IdentityKind) -> Values? {
        switch kind {
        case .uid: uid
        case .gid: gid
        case .euid: euid
        case .egid: egid
        case .auid: auid
        case .suid: suid
        case .sgid: sgid
        case .fsuid: fsuid
        case .fsgid: fsgid
        case .oldAuid, .newAuid, .other: nil
        }
    }

    /// Notes a value of the key of `kind` (`key`, its name, is asked for only by the kinds kept in order).
    mutating func add(kind: IdentityKind, key: @autoclosure () -> String, value: String) {
        switch kind {
        case .uid: uid.note(value)
        case .gid: gid.note(value)
        case .euid: euid.note(value)
        case .egid: egid.note(value)
        case .auid: auid.note(value)
        case .suid: suid.note(value)
        case .sgid: sgid.note(value)
        case .fsuid: fsuid.note(value)
        case .fsgid: fsgid.note(value)
        case .oldAuid, .newAuid, .other: others.append(IdentityEntry(kind: kind, key: key(), value: value))
        }
    }

    /// Whether any id is set (the SELinux labels go with one).
    var anySet: Bool {
        Self.fixedKeys.contains { self[$0.kind]?.lastSet != nil } || others.contains(where: \.isSet)
    }

    /// The first value of the key spelled `key`.
    func first(named key: String) -> String? {
        if let fixed = Self.fixedKeys.first(where: { $0.key == key }) { return self[fixed.kind]?.first }
        return others.first(where: { $0.key == key })?.value
    }
}

/// One `*uid` / `*gid` key of the identity record.
struct IdentityEntry {
    let kind: IdentityKind
    /// The key as logged (`old-auid`, or an unusual `*id` key).
    let key: String
    let value: String
    /// Whether the id is set (not `unset`): the builder asks several times per entry, so it is compared once.
    let isSet: Bool

    init(kind: IdentityKind, key: String, value: String) {
        self.kind = kind
        self.key = key
        self.value = value
        isSet = Self.isSet(value)
    }

    /// Whether an id is set (not `unset`).
    static func isSet(_ value: String) -> Bool {
        value.utf8.count != 5 || value != "unset"  // the length first: ids are mostly short numbers
    }
}

/// The identity keys the builder routes to fixed fields, recognised from the key's bytes once.
enum IdentityKind {
    case uid, gid, euid, egid, auid, suid, sgid, fsuid, fsgid, oldAuid, newAuid
    /// Any other `*uid` / `*gid` key (`user.<key>.*`).
    case other

    /// The kind of an identity key ``KnownKey`` recognised; nil for any other key.
    init?(_ known: KnownKey?) {
        switch known {
        case .auid: self = .auid
        case .uid: self = .uid
        case .gid: self = .gid
        case .euid: self = .euid
        case .egid: self = .egid
        case .suid: self = .suid
        case .sgid: self = .sgid
        case .fsuid: self = .fsuid
        case .fsgid: self = .fsgid
        case .oldAuid: self = .oldAuid
        case .newAuid: self = .newAuid
        default: return nil
        }
    }

    /// The key's name as a static string (no String built per event); nil for `.other`.
    var spelling: String? {
        switch self {
        case .auid: "auid"
        case .uid: "uid"
        case .gid: "gid"
        case .euid: "euid"
        case .egid: "egid"
        case .suid: "suid"
        case .sgid: "sgid"
        case .fsuid: "fsuid"
        case .fsgid: "fsgid"
        case .oldAuid: "old-auid"
        case .newAuid: "new-auid"
        case .other: nil
        }
    }

    /// The kind of an identity key from what ``KnownKey`` made of its bytes, with its name; `spelled` is the key as
    /// the parser names it, asked only for keys ``KnownKey`` does not know.
    static func of(_ known: KnownKey?, spelled: () -> String) -> (kind: IdentityKind, name: String) {
        if let kind = IdentityKind(known), let name = kind.spelling { return (kind, name) }
        let name = spelled()  // `old auid` as older kernels log it reads `old_auid`
        switch name {
        case "old_auid": return (.oldAuid, name)
        case "new_auid": return (.newAuid, name)
        default: return (.other, name)
        }
    }
}
