import EventModel

/// pid → current process instance, fed by audit events (fork/clone, execve, setsid, exit_group), a `/proc` scan
/// at start and lazy `/proc` lookups for pids it has not seen. Bounded: exited entries linger for late events,
/// then go; at the cap the least recently seen entries are evicted (counted).
public struct ProcessTable: Sendable {
    struct Limits: Sendable {
        /// Most instances kept.
        var maxProcesses: Int
        /// How long an exited instance still answers for late (reordered) events of its pid.
        var exitGraceNanos: Int64
        /// Two start times closer than this are the same instance (audit time vs `/proc` ticks, btime rounding).
        var startToleranceNanos: Int64
        /// Bytes of arguments kept per instance (for `process.parent.args` and non-exec events); the exec event's
        /// own `process.args` is not affected. Bounds the table's memory: cap × this, at worst.
        var maxArgumentBytes: Int

        init(maxProcesses: Int = 65_536, exitGraceNanos: Int64 = 5_000_000_000,
                    startToleranceNanos: Int64 = 2_000_000_000, maxArgumentBytes: Int = 4096) {
            self.maxProcesses = max(16, maxProcesses)
            self.exitGraceNanos = exitGraceNanos
            self.startToleranceNanos = startToleranceNanos
            self.maxArgumentBytes = max(64, maxArgumentBytes)
        }
    }

    /// What the table did, cumulative.
    public struct Counters: Sendable, Equatable, CustomStringConvertible {
        var scanned: UInt64 = 0
        var procLookups: UInt64 = 0
        var procMisses: UInt64 = 0
        var forks: UInt64 = 0
        /// clone3 calls `/proc` showed to have made a thread (not counted in `forks`).
        var threads: UInt64 = 0
        var execs: UInt64 = 0
        var exits: UInt64 = 0
        var sessionChanges: UInt64 = 0
        /// A pid came back as a different instance (fork over a stale entry, start time changed).
        var pidReuses: UInt64 = 0
        /// Entries dropped at the cap before they exited.
        var evicted: UInt64 = 0
        /// Entries removed because they exited or left `/proc`.
        var pruned: UInt64 = 0
        /// Argument vectors cut to `maxArgumentBytes` when stored.
        var truncatedArguments: UInt64 = 0
        init() {}

        /// By the names the state file uses (`processes.NAME`), in its order.
        public var named: [(name: String, value: UInt64)] {
            [("scanned", scanned), ("forks", forks), ("execs", execs), ("exits", exits),
             ("session_changes", sessionChanges), ("pid_reuses", pidReuses), ("clone3_threads", threads),
             ("evicted", evicted), ("pruned", pruned), ("proc_lookups", procLookups), ("proc_misses", procMisses),
             ("truncated_arguments", truncatedArguments)]
        }

        /// As the exit summary words them.
        public var description: String {
            "\(scanned) scanned at start, \(forks) forks, \(execs) execs, \(exits) exits, \(sessionChanges) new sessions, "
                + "\(pidReuses) pid reuses, \(threads) clone3 threads, \(evicted) evicted, \(pruned) pruned, "
                + "/proc lookups \(procLookups) (\(procMisses) missed), \(truncatedArguments) argument vectors truncated"
        }
    }

    let source: any ProcSource
    let limits: Limits
    private(set) var counters = Counters()
    /// The instances, each staying at its storage index while it lives: an event's updates and the enricher's
    /// writes work on it in place (an instance is large; copying it in and out of a dictionary per event cost more
    /// than the rest of the enrichment). `indexByPid` keys them by pid.
    private var instances: [ProcessInstance] = []
    private var indexByPid: [Int32: Int] = [:]
    /// Storage indices of removed instances, reused first.
    private var vacated: [Int] = []
    /// The storage index of the last pid ``resolve(_:facts:)`` found.
    private var lastResolved = 0
    /// Exits in audit-time order, so exited entries leave once their grace is over, event by event: waiting for the
    /// periodic prune would keep every process of the last prune interval (30 s × the spawn rate) in memory.
    private var exits: [(pid: Int32, atNanos: Int64)] = []
    private var exitsHead = 0
    /// The last ``ProcessInstance/renderVersion`` given.
    private var lastRenderVersion: UInt64 = 0

    init(source: any ProcSource, limits: Limits = Limits()) {
        self.source = source
        self.limits = limits
    }

    var count: Int { indexByPid.count }

    /// The instance currently known for `pid`, if any (no lookup).
    func instance(pid: Int32) -> ProcessInstance? { indexByPid[pid].map { instances[$0] } }

    /// Where ``observe(_:)`` left an event's process and the child a fork created: storage indices, valid until
    /// the table changes again.
    struct Observed {
        var process: Int
        /// Nil for other events and threads.
        var child: Int?
    }

    /// Calls `body` with the instance at a storage index ``observe(_:)`` returned, where it is stored. `inout` only
    /// for that: an instance read out of the array to be passed on is first copied whole (every string retained,
    /// then released), one passed `inout` is not. `body` is not to change it.
    mutating func withInstance<Result>(at index: Int, _ body: (inout ProcessInstance) -> Result) -> Result {
        body(&instances[index])
    }

    /// The storage index of the parent of the instance at `index` when the table still holds that same parent.
    mutating func parentIndex(ofInstanceAt index: Int) -> Int? {
        // A place holding the parent's pid holds its current instance (each pid has one place, vacated ones pid 0).
        func holdsParent(_ place: Int) -> Bool {
            instances[place].pid == instances[index].parentPid
                && instances[place].entityID == instances[index].parentEntityID
        }
        let hint = instances[index].parentIndexHint
        if hint >= 0, holdsParent(hint) { return hint }
        guard let parent = indexByPid[instances[index].parentPid], holdsParent(parent) else { return nil }
        instances[index].parentIndexHint = parent
        return parent
    }

    /// What the enricher writes for the instance at `process` with the parent at `parent` (nil: none), as versions:
    /// the same versions, the same fields.
    func renderVersions(process: Int, parent: Int?) -> (UInt64, UInt64) {
        (instances[process].renderVersion, parent.map { instances[$0].renderVersion } ?? 0)
    }

    /// A new ``ProcessInstance/renderVersion`` for the instance at `index`: a field the enricher writes changed.
    private mutating func changed(_ index: Int) {
        lastRenderVersion &+= 1
        instances[index].renderVersion = lastRenderVersion
    }

    /// The storage index of `instance`'s parent when the table still holds that same instance.
    func parentIndex(of instance: ProcessInstance) -> Int? {
        guard let parent = indexByPid[instance.parentPid], instances[parent].entityID == instance.parentEntityID
        else { return nil }
        return parent
    }

    /// Loads every process `/proc` lists (parents first so children link to them): the processes that started
    /// before auspex.
    mutating func scanExisting() {
        var snapshots: [Int32: ProcSnapshot] = [:]
        for pid in source.listPids() {
            if let snapshot = source.snapshot(of: pid) { snapshots[pid] = snapshot }
        }
        let oldestFirst = snapshots.values.sorted { ($0.startTicks, $0.pid) < ($1.startTicks, $1.pid) }
        for snapshot in oldestFirst {
            guard indexByPid.count < limits.maxProcesses else { break }
            store(makeInstance(from: snapshot, origin: .procScan, seenAt: 0))
            counters.scanned += 1
        }
    }

    /// Applies one event: afterwards the process it belongs to (an exec shows the new image) and the process a
    /// fork-family call created are at the storage indices returned.
    mutating func observe(_ facts: ProcessFacts) -> Observed {
        removeExited(before: facts.timeNanos.saturatingSubtract(limits.exitGraceNanos))
        let index = resolve(facts.pid, facts: facts)
        if let ppid = facts.parentPid, ppid != instances[index].parentPid {  // reparented (parent died, subreaper)
            let parent = resolveParent(ppid, at: facts.timeNanos, sparing: facts.pid)
            instances[index].parentPid = ppid
            instances[index].parentEntityID = parent.map { instances[$0].entityID }
            changed(index)
        }
        var execArguments: Arguments?
        if facts.isSuccessfulExec {
            counters.execs += 1
            let kept = bounded(facts.args ?? [])
            // Within the bound, the vector is the event's `process.args` array itself (the same storage: `write`
            // compares them in O(1)); an unchanged one keeps its joined command line.
            execArguments = kept == instances[index].args.values ? instances[index].args : Arguments(values: kept)
        }
        if instances[index].update(with: facts, execArguments: execArguments) { changed(index) }
        if facts.isSuccessfulSetsid {
            counters.sessionChanges += 1
            let parentPid = instances[index].parentPid
            let entryType = EntryPoints.type(ofParent: indexByPid[parentPid].map { instances[$0] }, parentPid: parentPid)
            instances[index].beginSession(entryType: entryType)
            changed(index)
        }
        if facts.isExitGroup {
            counters.exits += 1
            exits.append((facts.pid, facts.timeNanos))
        }
        guard let child = facts.forkedChild else { return Observed(process: index, child: nil) }
        if facts.isClone3, let group = source.threadGroupID(of: child), group != child {
            counters.threads += 1  // pthread_create's clone3: a thread of the caller, no new process
            return Observed(process: index, child: nil)
        }
        let childIndex = fork(from: index, child: child, at: facts.timeNanos)
        return Observed(process: index, child: childIndex)
    }

    /// Removes exited instances past their grace period and those whose pid left `/proc` or now belongs to a
    /// different start time. `nowNanos` is audit time.
    mutating func prune(nowNanos: Int64) {
        let tolerance = ticks(limits.startToleranceNanos)
        for (pid, index) in indexByPid {
            if let exited = instances[index].exitedAtNanos {
                if nowNanos.saturatingSubtract(exited) >= limits.exitGraceNanos { remove(pid) }
                continue
            }
            // Recently created entries may not be in /proc yet or any more; leave them until they are older.
            guard nowNanos.saturatingSubtract(instances[index].lastSeenNanos) >= limits.exitGraceNanos else { continue }
            guard let start = source.startTicks(of: pid) else {
                // Gone from /proc. With no /proc at all (replay), only the cap bounds the table.
                if !(source is AbsentProcSource) { remove(pid) }
                continue
            }
            if distance(start, instances[index].startTicks) > tolerance {
                remove(pid)
                counters.pidReuses += 1
            }
        }
    }

    // MARK: - Internals

    /// The storage index of `pid`'s current instance, made (and stored) when the table has none or only a stale one.
    private mutating func resolve(_ pid: Int32, facts: ProcessFacts) -> Int {
        if let index = storageIndex(of: pid) {
            let expired = instances[index].exitedAtNanos.map {
                facts.timeNanos.saturatingSubtract($0) >= limits.exitGraceNanos
            } ?? false
            if !expired && !(facts.isSuccessfulExec && execReusedPid(index, facts: facts)) { return index }
            counters.pidReuses += 1
            remove(pid)
        }
        if let snapshot = lookup(pid) {
            _ = resolveParent(snapshot.parentPid, at: facts.timeNanos)  // loaded first so the child links to it
            return store(makeInstance(from: snapshot, origin: .procLookup, seenAt: facts.timeNanos))
        }
        // Already gone: the first event's time stands in for the start, so all its events still agree.
        let start = source.system.ticks(atEpochNanos: facts.timeNanos)
        let parent = facts.parentPid.flatMap { resolveParent($0, at: facts.timeNanos) }
        var instance = blankInstance(pid: pid, startTicks: start, parentPid: facts.parentPid ?? 0, origin: .synthetic,
                                     seenAt: facts.timeNanos)
        if let parent { instance.inherit(from: instances[parent]) }
        return store(instance)
    }

    /// The storage index of `pid`'s instance. The last one resolved is tried first (a process's events tend to
    /// come together); a place holding the pid holds its current instance.
    private mutating func storageIndex(of pid: Int32) -> Int? {
        if instances.indices.contains(lastResolved), instances[lastResolved].pid == pid { return lastResolved }
        guard let index = indexByPid[pid] else { return nil }
        lastResolved = index
        return index
    }

    /// An execve whose ppid disagrees with the entry may be a new process on a reused pid whose fork was not
    /// seen (killed processes never call exit_group): `/proc` start time decides.
    private func execReusedPid(_ index: Int, facts: ProcessFacts) -> Bool {
        guard let ppid = facts.parentPid, ppid != instances[index].parentPid, ppid != 1,
              let start = source.startTicks(of: instances[index].pid) else { return false }
        return distance(start, instances[index].startTicks) > ticks(limits.startToleranceNanos)
    }

    /// The storage index of the parent's instance: from the table, else `/proc` (then remembered), else nil.
    /// Unknown ancestors are loaded up the chain (bounded by `depth`) so leaders and parents link. `sparing`: a
    /// pid an eviction must keep (the process of the event at hand).
    private mutating func resolveParent(_ ppid: Int32, at time: Int64, sparing: Int32? = nil, depth: Int = 0) -> Int? {
        guard ppid > 0 else { return nil }
        if let known = indexByPid[ppid] { return known }
        guard let snapshot = lookup(ppid) else { return nil }
        if depth < 32, snapshot.parentPid != ppid {
            _ = resolveParent(snapshot.parentPid, at: time, sparing: sparing, depth: depth + 1)
        }
        return store(makeInstance(from: snapshot, origin: .procLookup, seenAt: time), sparing: sparing)
    }

    private mutating func lookup(_ pid: Int32) -> ProcSnapshot? {
        counters.procLookups += 1
        let snapshot = source.snapshot(of: pid)
        if snapshot == nil { counters.procMisses += 1 }
        return snapshot
    }

    /// The child's storage index.
    private mutating func fork(from parent: Int, child pid: Int32, at time: Int64) -> Int {
        counters.forks += 1
        // Prefer the kernel's start time when the child is still there: ids then match a /proc scan (e.g. after
        // a restart of auspex). A far-off value means the pid was already reused; keep the audit time then.
        let tolerance = ticks(limits.startToleranceNanos)
        var start = source.system.ticks(atEpochNanos: time)
        if let kernelStart = source.startTicks(of: pid), distance(kernelStart, start) <= tolerance { start = kernelStart }
        if let existing = indexByPid[pid], instances[existing].exitedAtNanos == nil,
           instances[existing].parentPid == instances[parent].pid, start <= instances[existing].startTicks &+ tolerance {
            // The child's own events arrived first (reordering): keep its id, link it to this parent.
            instances[existing].parentEntityID = instances[parent].entityID
            changed(existing)
            return existing
        }
        if indexByPid[pid] != nil { counters.pidReuses += 1 }
        let parentPid = instances[parent].pid
        var child = instances[parent]
        child.becomeForkedChild(pid: pid, startTicks: start,
                                entityID: EntityID.make(system: source.system, pid: pid, startTicks: start), at: time,
                                parentIndex: parent)
        return store(consume child, sparing: parentPid)
    }

    private mutating func makeInstance(from snapshot: ProcSnapshot, origin: ProcessInstance.Origin, seenAt: Int64)
        -> ProcessInstance {
        var instance = blankInstance(pid: snapshot.pid, startTicks: snapshot.startTicks, parentPid: snapshot.parentPid,
                                     origin: origin, seenAt: seenAt)
        instance.executable = snapshot.executable
        instance.name = snapshot.name
        instance.args = Arguments(values: bounded(snapshot.args.map(FieldValue.string)))
        instance.workingDirectory = snapshot.workingDirectory
        instance.userID = snapshot.uid.map { String($0) }
        instance.effectiveUserID = snapshot.euid.map { String($0) }
        instance.groupID = snapshot.gid.map { String($0) }
        instance.effectiveGroupID = snapshot.egid.map { String($0) }
        instance.tty = snapshot.ttyNumber == 0 ? nil : TTYName.name(ofDevice: snapshot.ttyNumber)
        instance.ttyKnown = true
        instance.sessionID = snapshot.sessionID
        instance.processGroup = snapshot.processGroup
        let parent = indexByPid[snapshot.parentPid].map { instances[$0] }
        instance.parentEntityID = parent?.entityID
        instance.entryLeader = parent?.entryLeader
        instance.entryMetaType = parent?.entryMetaType
        if snapshot.sessionID == snapshot.pid {
            instance.sessionLeader = instance.asLeader
            let entryType = EntryPoints.type(ofParent: parent, parentPid: snapshot.parentPid)
            if entryType != nil || instance.entryLeader == nil {
                instance.entryLeader = instance.asLeader
                instance.entryMetaType = entryType ?? "unknown"
            }
        } else if let leader = indexByPid[snapshot.sessionID] {
            instance.sessionLeader = instances[leader].asLeader
        }
        if snapshot.processGroup == snapshot.pid {
            instance.groupLeader = instance.asLeader
        } else if let leader = indexByPid[snapshot.processGroup] {
            instance.groupLeader = instances[leader].asLeader
        }
        return instance
    }

    private func blankInstance(pid: Int32, startTicks: UInt64, parentPid: Int32, origin: ProcessInstance.Origin,
                               seenAt: Int64) -> ProcessInstance {
        ProcessInstance(pid: pid, startTicks: startTicks,
                        entityID: EntityID.make(system: source.system, pid: pid, startTicks: startTicks),
                        args: .empty, ttyKnown: false, parentPid: parentPid, origin: origin, lastSeenNanos: seenAt)
    }

    /// Stores `instance` as its pid's current one (in the place of the one it replaces, else in a vacated or new
    /// place) and returns its storage index. At the cap, makes room first, keeping `sparing`.
    @discardableResult
    private mutating func store(_ instance: consuming ProcessInstance, sparing: Int32? = nil) -> Int {
        let pid = instance.pid
        lastRenderVersion &+= 1
        instance.renderVersion = lastRenderVersion
        if let index = indexByPid[pid] {
            instances[index] = instance
            return index
        }
        if indexByPid.count >= limits.maxProcesses { evict(sparing: sparing) }
        let index: Int
        if let free = vacated.popLast() {
            index = free
            instances[index] = instance
        } else {
            index = instances.count
            instances.append(instance)
        }
        indexByPid[pid] = index
        return index
    }

    /// Removes entries that exited at or before `time` (and did not come back as a new instance since).
    private mutating func removeExited(before time: Int64) {
        while exitsHead < exits.count, exits[exitsHead].atNanos <= time {
            let exit = exits[exitsHead]
            exitsHead += 1
            if let index = indexByPid[exit.pid], instances[index].exitedAtNanos == exit.atNanos { remove(exit.pid) }
        }
        if exitsHead > 1024, exitsHead * 2 > exits.count {
            exits.removeFirst(exitsHead)
            exitsHead = 0
        }
    }

    private mutating func remove(_ pid: Int32) {
        guard let index = indexByPid.removeValue(forKey: pid) else { return }
        vacate(index)
        counters.pruned += 1
    }

    private mutating func vacate(_ index: Int) {
        instances[index] = .vacant
        vacated.append(index)
    }

    /// Makes room for 1/16 of the cap: exited entries first, then the least recently seen; never `sparing`.
    private mutating func evict(sparing: Int32?) {
        let target = limits.maxProcesses - limits.maxProcesses / 16
        for (pid, index) in evictionOrder(sparing: sparing).prefix(max(1, indexByPid.count - target)) {
            indexByPid.removeValue(forKey: pid)
            if instances[index].exitedAtNanos == nil { counters.evicted += 1 } else { counters.pruned += 1 }
            vacate(index)
        }
    }

    private func evictionOrder(sparing: Int32?) -> [(pid: Int32, index: Int)] {
        func order(_ index: Int) -> (Int, Int64) {
            (instances[index].exitedAtNanos != nil ? 0 : 1, instances[index].lastSeenNanos)
        }
        return indexByPid.filter { $0.key != sparing }.map { (pid: $0.key, index: $0.value) }
            .sorted { order($0.index) < order($1.index) }
    }

    /// The longest prefix of `args` within `maxArgumentBytes` (the last kept argument cut to fit).
    private mutating func bounded(_ args: [FieldValue]) -> [FieldValue] {
        var total = 0
        for argument in args { total += argument.stringValue?.utf8.count ?? 0 }
        if total <= limits.maxArgumentBytes { return args }  // the usual case: the same storage, nothing copied
        var budget = limits.maxArgumentBytes
        var kept: [FieldValue] = []
        for argument in args {
            let text = argument.stringValue ?? ""
            let size = text.utf8.count
            if size <= budget {
                kept.append(argument)
                budget -= size
                continue
            }
            if budget > 0 { kept.append(.string(String(decoding: text.utf8.prefix(budget), as: UTF8.self))) }
            counters.truncatedArguments += 1
            break
        }
        return kept
    }

    private func ticks(_ nanos: Int64) -> UInt64 {
        UInt64(max(0, nanos / (1_000_000_000 / source.system.clockTicksPerSecond)))
    }

    private func distance(_ a: UInt64, _ b: UInt64) -> UInt64 { a > b ? a - b : b - a }
}
