import EventModel

/// pid → current process instance, fed by audit events (fork/clone, execve, setsid, exit_group), a `/proc` scan
/// at start and lazy `/proc` lookups for pids it has not seen. Bounded: exited entries linger for late events,
/// then go; at the cap the least recently seen entries are evicted (counted).
public struct ProcessTable: Sendable {
    public struct Limits: Sendable {
        /// Most instances kept.
        var maxProcesses: Int
        /// How long an exited instance still answers for late (reordered) events of its pid.
        var exitGraceNanos: Int64
        /// Two start times closer than this are the same instance (audit time vs `/proc` ticks, btime rounding).
        var startToleranceNanos: Int64
        /// Bytes of arguments kept per instance (for `process.parent.args` and non-exec events); the exec event's
        /// own `process.args` is not affected. Bounds the table's memory: cap × this, at worst.
        var maxArgumentBytes: Int

        public init(maxProcesses: Int = 65_536, exitGraceNanos: Int64 = 5_000_000_000,
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
    public private(set) var counters = Counters()
    private var byPid: [Int32: ProcessInstance] = [:]
    /// Exits in audit-time order, so exited entries leave once their grace is over, event by event: waiting for the
    /// periodic prune would keep every process of the last prune interval (30 s × the spawn rate) in memory.
    private var exits: [(pid: Int32, atNanos: Int64)] = []
    private var exitsHead = 0

    init(source: any ProcSource, limits: Limits = Limits()) {
        self.source = source
        self.limits = limits
    }

    public var count: Int { byPid.count }

    /// The instance currently known for `pid`, if any (no lookup).
    func instance(pid: Int32) -> ProcessInstance? { byPid[pid] }

    /// Loads every process `/proc` lists (parents first so children link to them): the processes that started
    /// before auspex.
    mutating func scanExisting() {
        var snapshots: [Int32: ProcSnapshot] = [:]
        for pid in source.listPids() {
            if let snapshot = source.snapshot(of: pid) { snapshots[pid] = snapshot }
        }
        let oldestFirst = snapshots.values.sorted { ($0.startTicks, $0.pid) < ($1.startTicks, $1.pid) }
        for snapshot in oldestFirst {
            guard byPid.count < limits.maxProcesses else { break }
            insert(makeInstance(from: snapshot, origin: .procScan, seenAt: 0))
            counters.scanned += 1
        }
    }

    /// Applies one event and returns the instance it belongs to (after the event: an exec shows the new image).
    mutating func observe(_ facts: ProcessFacts) -> ProcessInstance {
        observeWithChild(facts).process
    }

    /// ``observe(_:)``, also returning the process a fork-family call created (nil for other events and threads).
    mutating func observeWithChild(_ facts: ProcessFacts)
        -> (process: ProcessInstance, child: ProcessInstance?) {
        removeExited(before: facts.timeNanos.saturatingSubtract(limits.exitGraceNanos))
        var current = resolve(facts.pid, facts: facts)
        current.lastSeenNanos = facts.timeNanos

        if let ppid = facts.parentPid, ppid != current.parentPid {  // reparented (parent died, subreaper)
            current.parentPid = ppid
            current.parentEntityID = resolveParent(ppid, at: facts.timeNanos)?.entityID
        }
        if let uid = facts.userID { current.userID = uid }
        if let euid = facts.effectiveUserID { current.effectiveUserID = euid }
        if let gid = facts.groupID { current.groupID = gid }
        if let egid = facts.effectiveGroupID { current.effectiveGroupID = egid }
        if let terminal = facts.terminal {
            current.tty = terminal
            current.ttyKnown = true
        }
        if let name = facts.name { current.name = name }
        if facts.isSuccessfulExec {
            counters.execs += 1
            if current.executable != facts.executable { current.previousExecutable = current.executable }
            let kept = bounded(facts.args ?? [])
            // Kept whole (the same storage: compared in O(1)), the vector is the event's `process.args` value itself.
            current.args = Arguments(kept, field: kept == facts.args ?? [] ? facts.argsField : nil)
            if let cwd = facts.workingDirectory { current.workingDirectory = cwd }
        }
        if let executable = facts.executable { current.executable = executable }
        if facts.isSuccessfulSetsid {
            counters.sessionChanges += 1
            beginSession(&current, at: facts.timeNanos)
        }
        if facts.isExitGroup {
            counters.exits += 1
            current.exitedAtNanos = facts.timeNanos
            exits.append((facts.pid, facts.timeNanos))
        }
        insert(current)
        guard let child = facts.forkedChild else { return (current, nil) }
        if facts.isClone3, let group = source.threadGroupID(of: child), group != child {
            counters.threads += 1  // pthread_create's clone3: a thread of the caller, no new process
            return (current, nil)
        }
        return (current, fork(from: current, child: child, at: facts.timeNanos))
    }

    /// Removes exited instances past their grace period and those whose pid left `/proc` or now belongs to a
    /// different start time. `nowNanos` is audit time.
    mutating func prune(nowNanos: Int64) {
        let tolerance = ticks(limits.startToleranceNanos)
        for (pid, instance) in byPid {
            if let exited = instance.exitedAtNanos {
                if nowNanos.saturatingSubtract(exited) >= limits.exitGraceNanos { remove(pid) }
                continue
            }
            // Recently created entries may not be in /proc yet or any more; leave them until they are older.
            guard nowNanos.saturatingSubtract(instance.lastSeenNanos) >= limits.exitGraceNanos else { continue }
            guard let start = source.startTicks(of: pid) else {
                // Gone from /proc. With no /proc at all (replay), only the cap bounds the table.
                if !(source is AbsentProcSource) { remove(pid) }
                continue
            }
            if distance(start, instance.startTicks) > tolerance {
                remove(pid)
                counters.pidReuses += 1
            }
        }
    }

    // MARK: - Internals

    private mutating func resolve(_ pid: Int32, facts: ProcessFacts) -> ProcessInstance {
        if let known = byPid[pid] {
            let expired = known.exitedAtNanos.map { facts.timeNanos.saturatingSubtract($0) >= limits.exitGraceNanos } ?? false
            if !expired && !(facts.isSuccessfulExec && execReusedPid(known, facts: facts)) { return known }
            counters.pidReuses += 1
            remove(pid)
        }
        if let snapshot = lookup(pid) {
            _ = resolveParent(snapshot.parentPid, at: facts.timeNanos)  // loaded first so the child links to it
            return makeInstance(from: snapshot, origin: .procLookup, seenAt: facts.timeNanos)
        }
        // Already gone: the first event's time stands in for the start, so all its events still agree.
        let start = source.system.ticks(atEpochNanos: facts.timeNanos)
        let parent = facts.parentPid.flatMap { resolveParent($0, at: facts.timeNanos) }
        var instance = blankInstance(pid: pid, startTicks: start, parentPid: facts.parentPid ?? 0, origin: .synthetic,
                                     seenAt: facts.timeNanos)
        inherit(from: parent, into: &instance)
        return instance
    }

    /// An execve whose ppid disagrees with the entry may be a new process on a reused pid whose fork was not
    /// seen (killed processes never call exit_group): `/proc` start time decides.
    private func execReusedPid(_ known: ProcessInstance, facts: ProcessFacts) -> Bool {
        guard let ppid = facts.parentPid, ppid != known.parentPid, ppid != 1,
              let start = source.startTicks(of: known.pid) else { return false }
        return distance(start, known.startTicks) > ticks(limits.startToleranceNanos)
    }

    /// The parent's instance: from the table, else `/proc` (then remembered), else nil.
    /// Unknown ancestors are loaded up the chain (bounded by `depth`) so leaders and parents link.
    private mutating func resolveParent(_ ppid: Int32, at time: Int64, depth: Int = 0) -> ProcessInstance? {
        guard ppid > 0 else { return nil }
        if let known = byPid[ppid] { return known }
        guard let snapshot = lookup(ppid) else { return nil }
        if depth < 32, snapshot.parentPid != ppid { _ = resolveParent(snapshot.parentPid, at: time, depth: depth + 1) }
        let parent = makeInstance(from: snapshot, origin: .procLookup, seenAt: time)
        insert(parent)
        return parent
    }

    private mutating func lookup(_ pid: Int32) -> ProcSnapshot? {
        counters.procLookups += 1
        let snapshot = source.snapshot(of: pid)
        if snapshot == nil { counters.procMisses += 1 }
        return snapshot
    }

    private mutating func fork(from parent: ProcessInstance, child pid: Int32, at time: Int64) -> ProcessInstance {
        counters.forks += 1
        // Prefer the kernel's start time when the child is still there: ids then match a /proc scan (e.g. after
        // a restart of auspex). A far-off value means the pid was already reused; keep the audit time then.
        let tolerance = ticks(limits.startToleranceNanos)
        var start = source.system.ticks(atEpochNanos: time)
        if let kernelStart = source.startTicks(of: pid), distance(kernelStart, start) <= tolerance { start = kernelStart }
        if let existing = byPid[pid], existing.exitedAtNanos == nil, existing.parentPid == parent.pid,
           start <= existing.startTicks &+ tolerance {
            // The child's own events arrived first (reordering): keep its id, link it to this parent.
            var linked = existing
            linked.parentEntityID = parent.entityID
            insert(linked)
            return linked
        }
        if byPid.index(forKey: pid) != nil { counters.pidReuses += 1 }
        var child = blankInstance(pid: pid, startTicks: start, parentPid: parent.pid, origin: .fork, seenAt: time)
        inherit(from: parent, into: &child)
        child.executable = parent.executable
        child.name = parent.name
        child.args = parent.args
        child.workingDirectory = parent.workingDirectory
        child.userID = parent.userID
        child.effectiveUserID = parent.effectiveUserID
        child.groupID = parent.groupID
        child.effectiveGroupID = parent.effectiveGroupID
        child.tty = parent.tty
        child.ttyKnown = parent.ttyKnown
        insert(child)
        return child
    }

    /// setsid(): the caller leads a new session and process group. It also becomes the entry leader when its
    /// parent is an entry point (init, sshd, login, a container shim) or unknown.
    private func beginSession(_ instance: inout ProcessInstance, at time: Int64) {
        instance.sessionID = instance.pid
        instance.sessionLeader = instance.asLeader
        instance.processGroup = instance.pid
        instance.groupLeader = instance.asLeader
        let parent = byPid[instance.parentPid]
        let entryType = EntryPoints.type(ofParent: parent, parentPid: instance.parentPid)
        if entryType != nil || instance.entryLeader == nil {
            instance.entryLeader = instance.asLeader
            instance.entryMetaType = entryType ?? "unknown"
        }
    }

    private func inherit(from parent: ProcessInstance?, into instance: inout ProcessInstance) {
        guard let parent else { return }
        instance.parentEntityID = parent.entityID
        instance.sessionID = parent.sessionID
        instance.sessionLeader = parent.sessionLeader
        instance.entryLeader = parent.entryLeader
        instance.entryMetaType = parent.entryMetaType
        instance.processGroup = parent.processGroup
        instance.groupLeader = parent.groupLeader
    }

    private mutating func makeInstance(from snapshot: ProcSnapshot, origin: ProcessInstance.Origin, seenAt: Int64)
        -> ProcessInstance {
        var instance = blankInstance(pid: snapshot.pid, startTicks: snapshot.startTicks, parentPid: snapshot.parentPid,
                                     origin: origin, seenAt: seenAt)
        instance.executable = snapshot.executable
        instance.name = snapshot.name
        instance.args = Arguments(bounded(snapshot.args))
        instance.workingDirectory = snapshot.workingDirectory
        instance.userID = snapshot.uid.map { String($0) }
        instance.effectiveUserID = snapshot.euid.map { String($0) }
        instance.groupID = snapshot.gid.map { String($0) }
        instance.effectiveGroupID = snapshot.egid.map { String($0) }
        instance.tty = snapshot.ttyNumber == 0 ? nil : TTYName.name(ofDevice: snapshot.ttyNumber)
        instance.ttyKnown = true
        instance.sessionID = snapshot.sessionID
        instance.processGroup = snapshot.processGroup
        let parent = byPid[snapshot.parentPid]
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
        } else if let leader = byPid[snapshot.sessionID] {
            instance.sessionLeader = leader.asLeader
        }
        if snapshot.processGroup == snapshot.pid {
            instance.groupLeader = instance.asLeader
        } else if let leader = byPid[snapshot.processGroup] {
            instance.groupLeader = leader.asLeader
        }
        return instance
    }

    private func blankInstance(pid: Int32, startTicks: UInt64, parentPid: Int32, origin: ProcessInstance.Origin,
                               seenAt: Int64) -> ProcessInstance {
        ProcessInstance(pid: pid, startTicks: startTicks,
                        entityID: EntityID.make(system: source.system, pid: pid, startTicks: startTicks),
                        args: .empty, ttyKnown: false, parentPid: parentPid, origin: origin, lastSeenNanos: seenAt)
    }

    private mutating func insert(_ instance: ProcessInstance) {
        // Count first, then an index lookup: reading `byPid[pid]` to test for nil copied the whole instance.
        if byPid.count >= limits.maxProcesses, byPid.index(forKey: instance.pid) == nil { evict() }
        byPid[instance.pid] = instance
    }

    /// Removes entries that exited at or before `time` (and did not come back as a new instance since).
    private mutating func removeExited(before time: Int64) {
        while exitsHead < exits.count, exits[exitsHead].atNanos <= time {
            let exit = exits[exitsHead]
            exitsHead += 1
            if let index = byPid.index(forKey: exit.pid), byPid.values[index].exitedAtNanos == exit.atNanos {
                remove(exit.pid)
            }
        }
        if exitsHead > 1024, exitsHead * 2 > exits.count {
            exits.removeFirst(exitsHead)
            exitsHead = 0
        }
    }

    private mutating func remove(_ pid: Int32) {
        if byPid.removeValue(forKey: pid) != nil { counters.pruned += 1 }
    }

    /// Makes room for 1/16 of the cap: exited entries first, then the least recently seen.
    private mutating func evict() {
        let target = limits.maxProcesses - limits.maxProcesses / 16
        let victims = byPid.values.sorted {
            ($0.exitedAtNanos != nil ? 0 : 1, $0.lastSeenNanos) < ($1.exitedAtNanos != nil ? 0 : 1, $1.lastSeenNanos)
        }
        for victim in victims.prefix(max(1, byPid.count - target)) {
            byPid.removeValue(forKey: victim.pid)
            if victim.exitedAtNanos == nil { counters.evicted += 1 } else { counters.pruned += 1 }
        }
    }

    /// The longest prefix of `args` within `maxArgumentBytes` (the last kept argument cut to fit).
    private mutating func bounded(_ args: [String]) -> [String] {
        var total = 0
        for argument in args { total += argument.utf8.count }
        if total <= limits.maxArgumentBytes { return args }  // the usual case: the same storage, nothing copied
        var budget = limits.maxArgumentBytes
        var kept: [String] = []
        for argument in args {
            let size = argument.utf8.count
            if size <= budget {
                kept.append(argument)
                budget -= size
                continue
            }
            if budget > 0 { kept.append(String(decoding: argument.utf8.prefix(budget), as: UTF8.self)) }
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
