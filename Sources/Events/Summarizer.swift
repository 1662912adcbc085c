import AuditRecords
import EventModel

/// The normalization-driven parts of a document: ECS categorization, `event.action`, the
/// `auditd.summary.*` actor/object/how, the object file, `source.ip` of login records, and the ECS user entities
/// of user-space records (go-libaudit `applyNormalization` followed by `ResolveIDs`).
struct Summary {
    /// `event.category` and `event.type` of a record type with a syscall behind it, which gets both
    /// categorizations; nil for every other event, whose values are its normalization's own (read from it, not
    /// copied here).
    var combinedCategories: FieldValue?
    var combinedTypes: FieldValue?
    var actorPrimary: String?
    var actorSecondary: String?
    var objectType: String?
    var objectPrimary: String?
    var objectSecondary: String?
    var how: String?
    /// The PATH entry that is the event's object (`file.*`), when the object is a file.
    var file: [(key: String, value: String)]?
    /// ECS entities set by record-type mappings; nil = not mapped (the uid-derived fields stay).
    var user: Entity?
    var userEffective: Entity?
    var userTarget: Entity?
    var group: Entity?

    /// Nothing summarized (an event whose summary no part written shows).
    static let none = Summary()

    /// An ECS user or group reference: an id, a name, or `unset` (then neither is written).
    struct Entity: Equatable {
        var id: String?
        var name: String?

        /// go-libaudit `ECSEntityData.set`: unset markers → unset, decimal → id, anything else → name.
        init(_ value: String?) {
            guard let value, !value.isEmpty, value != "unset", value != "4294967295", value != "-1" else {
                id = "unset"
                return
            }
            if UInt64(value) != nil { id = value } else { name = value }
        }
    }
}

struct Summarizer {
    /// The event's name memo, handed on to the document builder so no id is looked up twice.
    var names: MemoizedNames
    /// Whether `auditd.summary.*` is written: otherwise the actors are not turned into user names and the default
    /// `how` is not worked out (nothing else shows them).
    var writesSummary = true

    /// The normalization that describes the event (nil when none does), and the data key it takes `source.ip`
    /// from, which the document then leaves out of `auditd.data` (go-libaudit deletes it after the summary read it):
    /// decided once the facts are complete, so the summary reads them without changing them.
    static func chooseNormalization(_ facts: inout EventFacts) {
        if facts.syscallNormalization == nil, let syscall = facts.syscall {
            facts.syscallNormalization = SyscallNormalizations.lookup(syscall)
        }
        if facts.eventType == .syscall {
            facts.normalization = facts.syscallNormalization
        } else {
            facts.normalization = RecordTypeNormalizations.lookup(facts.eventType.name)
                .last(where: { $0.requiredFields.allSatisfy(facts.hasData) })
        }
        guard let norm = facts.normalization, !norm.sourceIP.isEmpty,
              !(facts.socket != nil && direction(of: facts.syscall) == .ingress) else { return }
        for key in norm.sourceIP {
            guard let index = facts.data.firstIndex(where: { $0.key == key }) else { continue }
            facts.sourceIP = facts.data[index].value
            facts.sourceIPDataIndex = index  // left in place for the summary's keys, which read it first
            return
        }
    }

    /// Fills `summary` (a new one: written in place, as returning it copied the whole summary) from `facts`, whose
    /// normalization is chosen (``chooseNormalization(_:)``).
    mutating func summarize(_ facts: borrowing EventFacts, into summary: inout Summary) {
        // The actors show in the summary and feed the user mappings (user-space records): copied only for those.
        if writesSummary || facts.normalization?.userMappings.isEmpty == false {
            summary.actorPrimary = facts.ids.auid.first
            summary.actorSecondary = facts.ids.uid.first
        }
        if writesSummary { summary.how = defaultHow(facts) }

        if let norm = facts.normalization {
            apply(norm, facts, &summary)
            if facts.eventType != .syscall, let syscallNorm = facts.syscallNormalization, syscallNorm != norm {
                // A record type with a syscall behind it gets both categorizations (CONFIG_CHANGE+sendto, AVC+read).
                summary.combinedCategories = Normalization.array(norm.categories + syscallNorm.categories)
                summary.combinedTypes = Normalization.array(norm.types + syscallNorm.types)
            }
        }
        if writesSummary { resolveActors(&summary) }
    }

    /// What the event's normalization says, taken by reference (a SYSCALL event's is the table's entry itself:
    /// no copy of its dozen arrays).
    private mutating func apply(_ norm: Normalization, _ facts: borrowing EventFacts, _ summary: inout Summary) {
        summary.objectType = norm.objectType
        switch norm.objectKind {
        case .file: setFileObject(facts, pathIndex: norm.objectPathIndex, &summary)
        case .socket:
            summary.objectPrimary = facts.socket?.addr ?? facts.socket?.path
            summary.objectSecondary = facts.socket?.port
        case .other: break
        }
        // The actors and object show in `auditd.summary.*`, and feed the user mappings (user-space records).
        if writesSummary || !norm.userMappings.isEmpty {
            if let value = firstValue(norm.subjectPrimary, facts) { summary.actorPrimary = value }
            if let value = firstValue(norm.subjectSecondary, facts) { summary.actorSecondary = value }
            if let value = firstValue(norm.objectPrimary, facts) { summary.objectPrimary = value }
            if let value = firstValue(norm.objectSecondary, facts) { summary.objectSecondary = value }
            if let value = firstValue(norm.how, facts) { summary.how = value }
        }
        applyMappings(norm.userMappings, facts, &summary)
    }

    enum Direction: String { case ingress, egress }

    /// The seven syscalls whose SOCKADDR fills `source` (ingress) or `destination` (egress) (§1.4); nil for the
    /// others (bind, listen, getpeername, sendmmsg, …), which keep only `auditd.data.socket.*`.
    static func direction(of syscall: String?) -> Direction? {
        switch syscall {
        case "recvfrom", "recvmsg", "accept", "accept4": return .ingress
        case "connect", "sendto", "sendmsg": return .egress
        default: return nil
        }
    }

    /// `summary.how` before any normalization: exe (else comm), but comm for interpreters run as scripts.
    private func defaultHow(_ facts: EventFacts) -> String? {
        guard let exe = facts.exe ?? facts.comm else { return nil }
        for prefix in Self.interpreterPrefixes where exe.hasASCIIPrefix(prefix) { return facts.comm ?? exe }
        return exe
    }

    private static let interpreterPrefixes: [StaticString] = ["/usr/bin/python", "/usr/bin/sh", "/usr/bin/bash",
                                                              "/usr/bin/perl"]

    private func firstValue(_ keys: [String], _ facts: EventFacts) -> String? {
        for key in keys {
            if key == "syscall", let syscall = facts.syscall { return syscall }
            if let value = facts.value(of: key) { return value }
        }
        return nil
    }

    /// The object PATH: the one at the table's index (or the first), skipping PARENT/UNKNOWN entries.
    private func setFileObject(_ facts: EventFacts, pathIndex: Int, _ summary: inout Summary) {
        guard !facts.paths.isEmpty else { return }
        let start = facts.paths.count > pathIndex ? pathIndex : 0
        var chosen = facts.paths[start]
        for path in facts.paths[start...] {
            let nametype = path.first { $0.key == "nametype" }?.value
            if nametype != "PARENT" && nametype != "UNKNOWN" {
                chosen = path
                break
            }
        }
        summary.file = chosen
        if let name = chosen.first(where: { $0.key == "name" })?.value { summary.objectPrimary = name }
        if let mode = chosen.first(where: { $0.key == "mode" })?.value, UInt32(mode, radix: 8) != nil {
            // Go's os.FileMode never sees the Unix type bits as its own, so any parsable mode reads "file".
            summary.objectType = "file"
        }
    }

    private mutating func applyMappings(_ mappings: [Normalization.UserMapping], _ facts: EventFacts, _ summary: inout Summary) {
        for mapping in mappings {
            switch mapping {
            case .subjectPrimaryToUser: summary.user = Summary.Entity(summary.actorPrimary)
            case .subjectSecondaryToUserEffective: summary.userEffective = Summary.Entity(summary.actorSecondary)
            case .subjectSecondaryToUserTarget: summary.userTarget = Summary.Entity(summary.actorSecondary)
            case .subjectSecondaryToGroupTarget: summary.group = Summary.Entity(summary.actorSecondary)
            case .objectPrimaryToUserTarget: summary.userTarget = Summary.Entity(summary.objectPrimary)
            case .objectPrimaryToUserEffective: summary.userEffective = Summary.Entity(summary.objectPrimary)
            case .objectPrimaryToGroupTarget: summary.group = Summary.Entity(summary.objectPrimary)
            case .uidToUserEffective: summary.userEffective = Summary.Entity(facts.ids.uid.first)
            }
        }
        summary.user = summary.user.map { resolve($0, users: true) }
        summary.userEffective = summary.userEffective.map { resolve($0, users: true) }
        summary.userTarget = summary.userTarget.map { resolve($0, users: true) }
        summary.group = summary.group.map { resolve($0, users: false) }
    }

    /// Fills the missing half of an entity (id → name or name → id).
    private mutating func resolve(_ entity: Summary.Entity, users: Bool) -> Summary.Entity {
        var entity = entity
        if let id = entity.id, entity.name == nil, id != "unset" {
            entity.name = users ? names.userName(forID: id) : names.groupName(forID: id)
        } else if let name = entity.name, entity.id == nil {
            entity.id = users ? names.userID(forName: name) : names.groupID(forName: name)
        }
        return entity
    }

    /// `ResolveIDs` replaces numeric actors by user names in place.
    private mutating func resolveActors(_ summary: inout Summary) {
        if let id = summary.actorPrimary, let name = names.userName(forID: id) { summary.actorPrimary = name }
        if let id = summary.actorSecondary, let name = names.userName(forID: id) { summary.actorSecondary = name }
    }
}

extension String {
    /// `hasPrefix(prefix)` for an ASCII `prefix`, decided on the bytes when they differ (the usual answer, with no
    /// walk over Characters). Equal bytes are confirmed by `hasPrefix`: a combining mark right after the prefix
    /// makes it no prefix of the Characters.
    func hasASCIIPrefix(_ prefix: StaticString) -> Bool {
        let bytesMatch = prefix.withUTF8Buffer { wanted in
            utf8.withContiguousStorageIfAvailable { $0.starts(with: wanted) } ?? utf8.starts(with: wanted)
        }
        return bytesMatch && hasPrefix(prefix.description)
    }
}
