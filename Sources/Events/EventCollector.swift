import AuditRecords
import EventModel
import Reassembler

/// Builds `EventFacts` from an event's records in one pass (go-libaudit `CoalesceMessages` semantics, §1.3–§1.4).
struct EventCollector {
    var limits: Normalizer.Limits
    /// The parts of the document to be written. Values only other parts show are left undecoded in syscall events,
    /// whose normalization (unlike a user-space record's) never moves one value into another part; a value left
    /// undecoded still counts when it would have been cut, so the counters do not depend on the rules.
    var demand: NormalizerDemand = .all
    /// Texts of short values kept from earlier events (disabled unless the caller keeps a table across events).
    var shortTexts: ShortTexts = .disabled

    /// The event's facts, with their normalization chosen; `identity` gets the SYSCALL record's typed identity
    /// (nil for other events).
    mutating func collect(_ event: AuditEvent, identity: inout SyscallIdentity?,
                          counters: inout NormalizerCounters) -> EventFacts {
        let records = event.records
        let firstType = records.first?.type ?? .syscall
        var facts = EventFacts(eventType: firstType)
        guard !records.isEmpty else {
            Summarizer.chooseNormalization(&facts)
            return facts
        }

        // The identity record: the SYSCALL of a compound event, else the only (or first) record.
        var identityIndex = 0
        if records.count > 1 {
            facts.isCompound = true
            if let index = records.firstIndex(where: { $0.type == .syscall }) {
                identityIndex = index
                // The record before the SYSCALL (if first) names the event: CONFIG_CHANGE, AVC, NETFILTER_CFG, …
                facts.eventType = records[0].type == .syscall ? .syscall : records[0].type
            } else {
                counters.missingSyscallRecord += 1
            }
        }
        let skipping = facts.eventType == .syscall ? Skipped(demand) : Skipped(.all)
        identity = addIdentity(records[identityIndex], to: &facts, skipping: skipping, counters: &counters)
        if facts.isCompound {
            addOtherRecords(event, identityIndex: identityIndex, to: &facts, skipping: skipping, counters: &counters)
        }
        checkNumbers(&facts, counters: &counters)
        Summarizer.chooseNormalization(&facts)
        return facts
    }

    private mutating func addOtherRecords(_ event: AuditEvent, identityIndex: Int, to facts: inout EventFacts,
                                 skipping: Skipped, counters: inout NormalizerCounters) {
        let records = event.records
        var sawExecve = false
        for index in records.indices where index != identityIndex {
            addOther(records[index], to: &facts, sawExecve: &sawExecve, skipping: skipping, counters: &counters)
        }
        if sawExecve { addExecve(event, to: &facts, counters: &counters) }
    }

    /// One record besides the identity record, into its part of the facts (the EXECVE records are read together
    /// afterwards: `sawExecve` says there is one).
    private mutating func addOther(_ record: borrowing AuditRecord, to facts: inout EventFacts, sawExecve: inout Bool,
                                   skipping: Skipped, counters: inout NormalizerCounters) {
        switch record.type {
        case .syscall, .eoe: return
        case .path:
            if skipping.paths && !(demand.contains(.fileOperationPaths)
                                   && DefendVocabulary.readsPaths(ofSyscall: facts.syscall)) {
                countCuts(record, counters: &counters)
            } else {
                facts.paths.append(pathEntries(record, counters: &counters))
            }
        case .sockaddr: addSockaddr(record, to: &facts, counters: &counters)
        case .execve: sawExecve = true
        default:
            if skipping.title && Self.holdsOnlyTheTitle(record) {
                countCuts(record, counters: &counters)  // a PROCTITLE whose title is skipped: only a cut counts
            } else {
                addGeneric(record, to: &facts, skipping: skipping, counters: &counters)
            }
        }
    }

    /// `process.pid` / `process.parent.pid` are longs: a value that is not a decimal number is dropped and counted.
    private func checkNumbers(_ facts: inout EventFacts, counters: inout NormalizerCounters) {
        facts.pid.checkNumber(counters: &counters)
        facts.ppid.checkNumber(counters: &counters)
    }

    // MARK: identity record

    /// Returns the typed identity of a SYSCALL record (nil for other records).
    private mutating func addIdentity(_ record: AuditRecord, to facts: inout EventFacts, skipping: Skipped,
                                      counters: inout NormalizerCounters) -> SyscallIdentity? {
        var archValue: AuditArch?
        /// The last `syscall=` field when it is a number: shown by name when the architecture has one, else as text.
        var numericSyscall: (field: Int, number: Int)?
        let hasArchAndSyscall = record.type == .syscall || record.type == .seccomp
        let readsIdentity = record.type == .syscall
        var identity = SyscallIdentity()
        record.withBorrowedFields { fields in
            for index in 0..<fields.count {
                let keyBytes = fields.key(at: index)
                guard let known = KnownKey(keyBytes) else {
                    // Another key (a known key is lower case): an identity, or data.
                    guard Self.isFieldKey(keyBytes),
                          let text = decode(nil, fields.value(at: index), counters: &counters) else { continue }
                    if KnownKey.isIdentity(keyBytes) {
                        let identity = IdentityKind.of(nil) { Self.keyName(fields, at: index) }
                        facts.ids.add(kind: identity.kind, key: identity.name, value: text)
                    } else {
                        Self.setData(nil, Self.keyName(fields, at: index), text, in: &facts)
                    }
                    continue
                }
                let value = fields.value(at: index)
                if readsIdentity { Self.note(known, value, in: &identity) }
                if known == .msg, value.quoting == .single { continue }  // user-space payload, tokenized after it
                if skipping.skips(known) {
                    countCut(known, value, counters: &counters)
                    if readsIdentity, known.isNotedAsText { identity.setText(of: known, value.rawString) }
                    continue
                }
                switch known {
                // A known architecture and a syscall number are shown by name: no text is decoded for them.
                case .arch where hasArchAndSyscall:
                    if let arch = AuditArch(value), let name = arch.name {
                        countCut(known, value, counters: &counters)  // as decoding it would have
                        archValue = arch
                        facts.arch = name
                        continue
                    }
                case .syscall where hasArchAndSyscall:
                    if let number = value.int {
                        countCut(known, value, counters: &counters)
                        numericSyscall = (index, Int(truncatingIfNeeded: number))
                        continue
                    }
                // A plainly spelled pid is taken as its number: no text is built (first one wins, as for text).
                case .pid, .ppid:
                    let plain = DecimalField.plain(value.raw)
                    if readsIdentity {  // the process table's view, parsed once
                        if known == .pid { identity.pid = plain ?? value.int } else { identity.parentPid = plain ?? value.int }
                    }
                    if value.raw.count <= limits.maxValueBytes, let number = plain {
                        if known == .pid, !facts.pid.isSet { facts.pid.set(number: number) }
                        if known == .ppid, !facts.ppid.isSet { facts.ppid.set(number: number) }
                        continue
                    }
                // A result spelled in ASCII is told from its bytes (no text: only "success" or "fail" is kept).
                case .success, .res:
                    if value.raw.count <= limits.maxValueBytes, let result = Self.result(ofASCII: value.raw) {
                        if let result { facts.result = result }  // nil: a "no value" marker, which sets nothing
                        continue
                    }
                default: break
                }
                let text = decode(known, value, inSyscallRecord: readsIdentity, counters: &counters)
                if readsIdentity, known.isNotedAsText {
                    // The decoded text is the raw value unless it was cut or is a "no value" marker.
                    let raw = text.flatMap { $0.utf8.count == value.raw.count ? $0 : nil } ?? value.rawString
                    identity.setText(of: known, raw)
                }
                guard let text else { continue }
                switch known {
                case .success, .res: facts.result = Self.result(text)
                case .ses: facts.session = text
                case .key: facts.tags = Self.tags(text)
                case .subj: facts.selinux = Self.selinuxLabels(text)
                case .arch where hasArchAndSyscall:
                    archValue = AuditArch(value)
                    if let name = archValue?.name { facts.arch = name } else { facts.arch = text; counters.unknownArch += 1 }
                case .syscall where hasArchAndSyscall:  // not a number
                    numericSyscall = nil
                    facts.syscall = text
                case .exit: facts.exit = value.int.map(AuditExit.name) ?? text
                case .auid, .oldAuid, .uid, .euid, .gid, .egid, .suid, .sgid, .fsuid, .fsgid, .newAuid:
                    // The kind at once; the name only for the login record's keys, kept in order.
                    let kind = IdentityKind(known) ?? .other
                    facts.ids.add(kind: kind, key: kind.spelling ?? "", value: text)
                default:
                    // The key's String is built only here: the slotted keys above never need it.
                    Self.setData(known, Self.keyName(fields, at: index), text, in: &facts)
                }
            }
            guard let numericSyscall else { return }
            if let arch = archValue, let name = arch.syscallName(numericSyscall.number) {
                facts.syscall = name
                facts.syscallNormalization = SyscallNormalizations.lookup(arch: arch, number: numericSyscall.number)
            } else {
                counters.unknownSyscall += 1
                // No name: the number's text (its cut counted above).
                facts.syscall = fields.value(at: numericSyscall.field).decodedText(limit: limits.maxValueBytes).text
            }
        }
        return readsIdentity ? consume identity : nil
    }

    /// The process table's view of a SYSCALL key read as a number, taken before any value is dropped as "no value"
    /// (`pid`/`ppid` are read where they are taken as numbers).
    @inline(__always)  // asked for every key: most fall through the switch
    private static func note(_ key: KnownKey, _ value: BorrowedValue, in identity: inout SyscallIdentity) {
        switch key {
        case .success: identity.success = value.raw.equals("yes")
        case .exit: identity.exit = value.int
        case .a0: identity.a0 = value.hexUInt
        default: break
        }
    }

    // MARK: other records

    private mutating func addGeneric(_ record: AuditRecord, to facts: inout EventFacts, skipping: Skipped,
                            counters: inout NormalizerCounters) {
        record.withBorrowedFields { fields in
            for index in 0..<fields.count {
                let keyBytes = fields.key(at: index)
                let known = KnownKey(keyBytes)
                let value = fields.value(at: index)
                if known == .msg, value.quoting == .single { continue }
                if skipping.skipsGeneric(known, keyBytes) {
                    // Only a value longer than the limit can count as cut: the key's case is looked at for those.
                    if value.raw.count > limits.maxValueBytes, Self.isFieldKey(keyBytes) {
                        countCut(known, value, counters: &counters)
                    }
                    continue
                }
                guard known != nil || Self.isFieldKey(keyBytes) else { continue }  // a known key is lower case
                guard let text = decode(known, value, counters: &counters) else { continue }
                if known == .subj {
                    for label in Self.selinuxLabels(text) where !facts.containsData("subj_" + label.key) {
                        facts.data.append(("subj_" + label.key, label.value))
                    }
                } else {
                    let key = Self.keyName(fields, at: index)
                    // first one wins, as go-libaudit's duplicate-key rule
                    if !facts.containsData(key, known: known) { Self.setData(known, key, text, in: &facts) }
                }
            }
        }
    }

    /// A record of the one `proctitle=` field (PROCTITLE; a forged one may hold other keys, read as any record's).
    private static func holdsOnlyTheTitle(_ record: AuditRecord) -> Bool {
        record.withBorrowedFields { $0.count == 1 && $0.key(at: 0).equals("proctitle") }
    }

    private mutating func pathEntries(_ record: AuditRecord, counters: inout NormalizerCounters) -> [(key: String, value: String)] {
        var entries: [(key: String, value: String)] = []
        record.withBorrowedFields { fields in
            entries.reserveCapacity(fields.count + 3)
            for index in 0..<fields.count {
                let keyBytes = fields.key(at: index)
                guard Self.isFieldKey(keyBytes),
                      let text = decode(KnownKey(keyBytes), fields.value(at: index), counters: &counters) else { continue }
                if keyBytes.equals("obj") {
                    for label in Self.selinuxLabels(text) { entries.append(("obj_" + label.key, label.value)) }
                } else {
                    entries.append((Self.keyName(fields, at: index), text))
                }
            }
        }
        return entries
    }

    private func addSockaddr(_ record: AuditRecord, to facts: inout EventFacts, counters: inout NormalizerCounters) {
        guard facts.socket == nil else { return }
        let found: (address: SocketAddress?, raw: String?)? = record.withBorrowedFields { fields in
            guard let index = (0..<fields.count).first(where: { fields.key(at: $0).equals("saddr") }) else { return nil }
            let value = fields.value(at: index)
            let address = SocketAddress(saddr: value)
            // The raw hex is shown only for families without a decoding: made only for those.
            switch address {
            case .netlink?, .other?: return (address, value.rawString)
            default: return (address, nil)
            }
        }
        guard let found else { return }
        guard let address = found.address else {
            counters.malformedSockaddr += 1
            return
        }
        var socket = EventFacts.SocketFacts(family: address.familyName)
        switch address {
        case .unix(let path, let isAbstract):
            socket.path = isAbstract ? nil : path  // go-libaudit cuts at the first NUL: abstract names read as ""
        case .inet(let addr, let port):
            socket.addr = addr
            socket.port = String(port)
        case .inet6(let addr, let port, let flow, _):
            socket.addr = addr
            socket.port = String(port)
            if flow > 0 { socket.flow = String(flow) }
        case .netlink, .other:
            socket.saddr = found.raw
        }
        facts.socket = socket
    }

    private mutating func addExecve(_ event: AuditEvent, to facts: inout EventFacts, counters: inout NormalizerCounters) {
        let limit = limits.maxValueBytes
        // The numbers of the arguments cut to the limit (rare: empty, no allocation). An argument may be made twice
        // (an unusual shape starts over): its last making decides.
        var cutArguments = Set<Int>()
        func note(_ number: Int, wasCut: Bool) {
            if wasCut { cutArguments.insert(number) } else if !cutArguments.isEmpty { cutArguments.remove(number) }
        }
        // Each argument becomes its document value straight from the record.
        guard let arguments = ExecveArguments(
            records: event.records,
            whole: { number, value -> FieldValue in
                let (text, wasCut) = value.decodedText(limit: limit)
                note(number, wasCut: wasCut)
                return .string(text)
            },
            joined: { number, bytes in
                note(number, wasCut: bytes.count > limit)
                return .string(String(decoding: bytes.prefix(limit), as: UTF8.self))
            }
        ) else { return }
        if let argc = arguments.argc { facts.argc = String(argc) }
        if !arguments.isComplete { counters.incompleteExecve += 1 }
        let kept = min(arguments.arguments.count, limits.maxArguments)
        // Cuts count for the arguments kept only (not those beyond `argc` or the most kept).
        counters.truncatedValues += UInt64(cutArguments.count { $0 < kept })
        if arguments.arguments.count > limits.maxArguments {
            counters.truncatedValues += 1
            facts.args = Array(arguments.arguments.prefix(kept))
        } else {
            facts.args = arguments.arguments
        }
    }

    // MARK: values

    /// What the demand leaves undecoded (nothing, for events other than syscall events).
    struct Skipped {
        /// PATH records: `auditd.paths`, and the object file of `file.*` and `auditd.summary.*`.
        let paths: Bool
        /// Keys that land in `auditd.data` (generic keys, `exit`, `tty`, `items`).
        let data: Bool
        let arguments: Bool, title: Bool, tags: Bool, labels: Bool
        /// `ses`: `auditd.session`.
        let session: Bool
        /// `auid`, `suid`, `fsuid`, `sgid`, `fsgid` and the login ids: `auditd.user.*` and the summary's actor.
        let auditIDs: Bool
        /// `uid`, `gid`, `euid`, `egid`: `user.*`, and also `auditd.user.*` (which they decide) and the summary.
        let userIDs: Bool

        init(_ demand: NormalizerDemand) {
            func none(_ parts: NormalizerDemand) -> Bool { demand.isDisjoint(with: parts) }
            paths = none([.paths, .file, .summary])
            data = none([.data, .summary])
            arguments = none(.arguments)
            title = none([.title, .summary])
            tags = none(.tags)
            labels = none(.auditdUser)
            session = none(.record)
            auditIDs = none([.auditdUser, .summary])
            userIDs = none([.user, .auditdUser, .summary])
        }

        func skips(_ key: KnownKey?) -> Bool {
            switch key {
            case .a0, .a1, .a2, .a3: return arguments
            case .exit, .tty, .items: return data
            case .proctitle: return title
            case .key: return tags
            case .subj: return labels
            case .ses: return session
            case .auid, .suid, .fsuid, .sgid, .fsgid, .oldAuid, .newAuid: return auditIDs
            case .uid, .gid, .euid, .egid: return userIDs
            default: return false
            }
        }

        /// Keys of records other than the identity record: only the process's own keys have slots of their own;
        /// every other key lands in `auditd.data` (and `id` in `event.id`, always written).
        func skipsGeneric(_ key: KnownKey?, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            switch key {
            case .a0, .a1, .a2, .a3: return arguments
            case .proctitle: return title
            case .pid, .ppid, .comm, .exe, .cwd, .syscall: return false
            case nil: return data && !(bytes.count == 2 && bytes[0] == UInt8(ascii: "i") && bytes[1] == UInt8(ascii: "d"))
            default: return data
            }
        }
    }

    /// Counts a value left undecoded as `decode` would have counted it.
    private func countCut(_ known: KnownKey?, _ value: BorrowedValue, counters: inout NormalizerCounters) {
        if value.raw.count <= limits.maxValueBytes || Self.isNoValue(value.raw) { return }  // decoding never lengthens
        if value.wouldBeCut(limit: limits.maxValueBytes, nulAsSpace: known == .proctitle || known == .exe) {
            counters.truncatedValues += 1
        }
    }

    /// ``countCut(_:_:counters:)`` for every field of a record left undecoded.
    private func countCuts(_ record: AuditRecord, counters: inout NormalizerCounters) {
        record.withBorrowedFields { fields in
            // Only a value longer than the limit can be cut: none is in a record no longer than the limit (the usual
            // case), and the key is looked at for those alone.
            guard fields.byteCount > limits.maxValueBytes else { return }
            for index in 0..<fields.count {
                let value = fields.value(at: index)
                guard value.raw.count > limits.maxValueBytes, Self.isFieldKey(fields.key(at: index)) else { continue }
                countCut(KnownKey(fields.key(at: index)), value, counters: &counters)
            }
        }
    }

    /// The name of field `index`: a static spelling for common keys, else decoded (`old auid` reads `old_auid`).
    private static func keyName(_ fields: BorrowedFields, at index: Int) -> String {
        CommonKeys.spelling(of: fields.key(at: index)) ?? fields.keyString(at: index)
    }

    /// Routes a data key to its slot (when still empty) or to the generic list.
    private static func setData(_ known: KnownKey?, _ key: @autoclosure () -> String, _ text: String,
                                in facts: inout EventFacts) {
        func fill(_ slot: inout String?) { if slot == nil { slot = text } }
        switch known {
        case .a0: fill(&facts.a0)
        case .a1: fill(&facts.a1)
        case .a2: fill(&facts.a2)
        case .a3: fill(&facts.a3)
        case .tty: fill(&facts.tty)
        case .items: fill(&facts.items)
        case .pid: if !facts.pid.isSet { facts.pid.set(text: text) }
        case .ppid: if !facts.ppid.isSet { facts.ppid.set(text: text) }
        case .comm: fill(&facts.comm)
        case .exe: fill(&facts.exe)
        case .cwd: fill(&facts.cwd)
        case .proctitle: fill(&facts.proctitle)
        case .syscall: fill(&facts.syscall)
        case .arch: fill(&facts.arch)
        case .exit: fill(&facts.exit)
        default: facts.data.append((key(), text))
        }
    }

    /// The decoded text of a value, or nil for go-libaudit's "no value" markers (`""`, `?`, `?,`, `(null)`).
    /// `inSyscallRecord`: a SYSCALL record's value, whose text may be one kept from an earlier event
    /// (``ShortTexts``) when its key is never hex-encoded there.
    private mutating func decode(_ known: KnownKey?, _ value: BorrowedValue, inSyscallRecord: Bool = false,
                                 counters: inout NormalizerCounters) -> String? {
        let raw = value.raw
        if Self.isNoValue(raw) { return nil }
        switch known {
        case .auid, .oldAuid, .ses:
            if raw.equals("4294967295") || raw.equals("-1") { return "unset" }
        case .proctitle, .exe:
            // NUL separates argv in proctitle (and may appear in a hex exe): go-libaudit shows spaces.
            return text(of: value, nulAsSpace: true, counters: &counters)
        default: break
        }
        if inSyscallRecord, let known, known.isPlainInSyscallRecords, raw.count <= limits.maxValueBytes {
            return shortTexts.text(of: raw) { value.rawString }  // never cut: not longer than the limit
        }
        return text(of: value, nulAsSpace: false, counters: &counters)
    }

    /// The value's decoded text cut to `maxValueBytes` (counted when cut).
    private func text(of value: BorrowedValue, nulAsSpace: Bool, counters: inout NormalizerCounters) -> String {
        let (text, wasCut) = value.decodedText(limit: limits.maxValueBytes, nulAsSpace: nulAsSpace)
        if wasCut { counters.truncatedValues += 1 }
        return text
    }

    /// go-libaudit drops `""`, `?`, `?,` and `(null)` values.
    private static func isNoValue(_ raw: UnsafeBufferPointer<UInt8>) -> Bool {
        switch raw.count {
        case 0: return true
        case 1: return raw.first == UInt8(ascii: "?")
        case 2: return raw.first == UInt8(ascii: "?") && raw.last == UInt8(ascii: ",")
        case 6: return raw.equals("(null)")
        default: return false
        }
    }

    static func result(_ text: String) -> EventResult {
        text == "yes" || text == "1" || text.hasPrefix("suc") ? .success : .fail
    }

    /// ``result(_:)`` of a value's raw bytes when they are ASCII (so bytes and characters agree): `.some(nil)` for
    /// a "no value" marker, nil when the bytes are not all ASCII.
    static func result(ofASCII raw: UnsafeBufferPointer<UInt8>) -> EventResult?? {
        if isNoValue(raw) { return .some(nil) }
        guard !raw.contains(where: { $0 >= 0x80 }) else { return nil }
        let isSuccess = raw.equals("yes") || raw.equals("1") || raw.starts(with: "suc".utf8)
        return .some(isSuccess ? .success : .fail)
    }

    /// Audit rule keys: several keys are hex-encoded joined by 0x01; as in go-libaudit, a key containing `=`
    /// (`key="key=net"`) is the text after the last `=`.
    static func tags(_ text: String) -> [String] {
        // One plain key (the usual case): no split.
        if !text.utf8.contains(where: { $0 == 1 || $0 == UInt8(ascii: "=") }) { return [text] }
        var tags: [String] = []
        for part in text.split(separator: "\u{1}", omittingEmptySubsequences: true) {
            if let equals = part.lastIndex(of: "=") {
                let tail = part[part.index(after: equals)...]
                if !tail.isEmpty { tags.append(String(tail)) }
            } else {
                tags.append(String(part))
            }
        }
        return tags
    }

    /// go-libaudit's key grammar is `[a-z0-9_-]+`: upper-case words are auditd's ENRICHED translations
    /// (`UID="root"`), which are not record fields even when their 0x1D separator was lost.
    static func isFieldKey(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        !key.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }

    /// `user:role:domain:level[:category]` → labelled parts (the level may itself contain `-`).
    static func selinuxLabels(_ text: String) -> [(key: String, value: String)] {
        // A context without `:` (AppArmor's `unconfined`, the usual case) is the user part alone.
        if !text.utf8.contains(UInt8(ascii: ":")) { return text.isEmpty ? [] : [("user", text)] }
        let parts = text.split(separator: ":", maxSplits: labelNames.count - 1, omittingEmptySubsequences: false)
        var labels: [(key: String, value: String)] = []
        for (name, part) in zip(labelNames, parts) where !part.isEmpty { labels.append((name, String(part))) }
        return labels
    }

    private static let labelNames = ["user", "role", "domain", "level", "category"]
}
