@testable import EventModel
@testable import Events
@testable import Processes
import XCTest

/// Synthetic scenarios against a substituted /proc: sessions, daemons, pid reuse, processes older than auspex.
final class ProcessLifecycleTests: XCTestCase {
    private func world() -> FakeProcSource {
        let proc = FakeProcSource()
        proc.add(ProcSnapshot(pid: 1, parentPid: 0, processGroup: 1, sessionID: 1, startTicks: 5, name: "systemd",
                              executable: "/usr/lib/systemd/systemd", args: ["/sbin/init"], uid: 0, euid: 0, gid: 0, egid: 0))
        proc.add(ProcSnapshot(pid: 100, parentPid: 1, processGroup: 100, sessionID: 100, startTicks: 300, name: "sshd",
                              executable: "/usr/sbin/sshd", args: ["sshd: /usr/sbin/sshd -D"], uid: 0, euid: 0))
        proc.add(ProcSnapshot(pid: 200, parentPid: 100, processGroup: 200, sessionID: 200, ttyNumber: 34816,
                              startTicks: 9000, name: "bash", executable: "/usr/bin/bash", args: ["-bash"],
                              workingDirectory: "/root", uid: 0, euid: 0, gid: 0, egid: 0))
        return proc
    }

    func testProcessesStartedBeforeAuspex() throws {
        let proc = world()
        var run = EnrichmentRun(source: proc, scan: true)
        XCTAssertEqual(run.enricher.table.count, 3)
        XCTAssertEqual(run.enricher.table.counters.scanned, 3)
        var lines = AuditLines()
        lines.connect(pid: 200, ppid: 100, comm: "bash", exe: "/usr/bin/bash")
        run.run(lines.events)
        let document = try XCTUnwrap(run.documents.first)
        let bash = try XCTUnwrap(run.enricher.table.instance(pid: 200))
        XCTAssertEqual(bash.origin, .procScan)
        XCTAssertEqual(document["process.entity_id"]?.stringValue,
                       EntityID.make(system: proc.system, pid: 200, startTicks: 9000), "id from /proc start time")
        XCTAssertEqual(document["process.parent.name"], "sshd")
        XCTAssertEqual(document["process.parent.executable"], "/usr/sbin/sshd")
        XCTAssertEqual(document["process.parent.entity_id"]?.stringValue,
                       EntityID.make(system: proc.system, pid: 100, startTicks: 300))
        XCTAssertEqual(document["process.args"], ["-bash"], "args of the running image fill non-exec events")
        XCTAssertEqual(document["process.session_leader.entity_id"], document["process.entity_id"])
        XCTAssertEqual(document["process.entry_leader.entity_id"], document["process.entity_id"])
        XCTAssertEqual(document["process.entry_leader.entry_meta.type"], "sshd")
        XCTAssertEqual(document["process.interactive"], true)
    }

    func testUnknownPidIsLookedUpLazilyOnce() throws {
        let proc = world()
        proc.add(ProcSnapshot(pid: 300, parentPid: 200, processGroup: 300, sessionID: 200, startTicks: 9500,
                              name: "curl", executable: "/usr/bin/curl", args: ["curl", "http://x"]))
        var run = EnrichmentRun(source: proc, scan: false)
        var lines = AuditLines()
        lines.connect(pid: 300, ppid: 200, comm: "curl", exe: "/usr/bin/curl")
        let events = lines.events
        run.run([events[0]])
        XCTAssertEqual(run.enricher.table.counters.procLookups, 4, "the process and its ancestors 200, 100, 1")
        run.run([events[0]])
        XCTAssertEqual(run.enricher.table.counters.procLookups, 4, "known now: no second lookup")
        XCTAssertEqual(run.documents[0]["process.entity_id"], run.documents[1]["process.entity_id"])
        XCTAssertEqual(run.documents[0]["process.parent.name"], "bash")
        XCTAssertEqual(run.documents[0]["process.command_line"], "curl http://x")
        XCTAssertEqual(run.documents[0]["process.entry_leader.entry_meta.type"], "sshd", "bash's session, from sshd")
        XCTAssertEqual(run.documents[0]["process.session_leader.name"], "bash")
    }

    func testShortLivedProcessGoneFromProcKeepsOneID() throws {
        var run = EnrichmentRun(source: world(), scan: true)
        var lines = AuditLines()
        lines.exec(pid: 4000, ppid: 200, comm: "true", exe: "/usr/bin/true", args: ["true"])
        lines.exitGroup(pid: 4000, ppid: 200, comm: "true", exe: "/usr/bin/true")
        run.run(lines.events)
        let ids = run.documents.map { $0["process.entity_id"] }
        XCTAssertEqual(ids.count, 2)
        XCTAssertNotNil(ids[0])
        XCTAssertEqual(ids[0], ids[1])
        XCTAssertEqual(run.documents[1]["process.parent.name"], "bash")
        XCTAssertEqual(run.enricher.table.instance(pid: 4000)?.origin, .synthetic)
    }

    func testSetsidStartsASessionInheritedByChildren() throws {
        var run = EnrichmentRun(source: world(), scan: true)
        var lines = AuditLines()
        lines.fork(pid: 200, ppid: 100, child: 500, comm: "bash", exe: "/usr/bin/bash")
        lines.exec(pid: 500, ppid: 200, comm: "daemon", exe: "/usr/local/bin/daemon", args: ["daemon", "-d"])
        lines.setsid(pid: 500, ppid: 200, comm: "daemon", exe: "/usr/local/bin/daemon")
        lines.fork(pid: 500, ppid: 200, child: 501, comm: "daemon", exe: "/usr/local/bin/daemon")
        lines.connect(pid: 501, ppid: 500, comm: "daemon", exe: "/usr/local/bin/daemon")
        run.run(lines.events)
        let bash = EntityID.make(system: run.enricher.table.source.system, pid: 200, startTicks: 9000)
        let exec = try XCTUnwrap(run.documents(pid: 500, syscall: "execve").first)
        XCTAssertEqual(exec["process.session_leader.entity_id"]?.stringValue, bash, "before setsid: bash's session")
        let setsid = try XCTUnwrap(run.documents(pid: 500, syscall: "setsid").first)
        XCTAssertEqual(setsid["process.session_leader.entity_id"], setsid["process.entity_id"])
        XCTAssertEqual(setsid["process.session_leader.name"], "daemon")
        XCTAssertEqual(setsid["process.entity_id"], exec["process.entity_id"])
        XCTAssertEqual(setsid["process.entry_leader.entity_id"]?.stringValue, bash, "nested session: entry stays")
        let child = try XCTUnwrap(run.documents(pid: 501).first)
        XCTAssertEqual(child["process.session_leader.entity_id"], setsid["process.entity_id"])
        XCTAssertEqual(child["process.parent.entity_id"], setsid["process.entity_id"])
        XCTAssertEqual(run.enricher.table.counters.sessionChanges, 1)
    }

    /// fork → setsid → fork → first child exits → grandchild reparented to init, still in the daemon's session.
    func testDoubleForkDaemon() throws {
        var run = EnrichmentRun(source: world(), scan: true)
        var lines = AuditLines()
        lines.fork(pid: 200, ppid: 100, child: 600, comm: "bash", exe: "/usr/bin/bash")
        lines.exec(pid: 600, ppid: 200, comm: "food", exe: "/usr/sbin/food", args: ["/usr/sbin/food"])
        lines.fork(pid: 600, ppid: 200, child: 601, comm: "food", exe: "/usr/sbin/food")
        lines.setsid(pid: 601, ppid: 600, comm: "food", exe: "/usr/sbin/food")
        lines.fork(pid: 601, ppid: 600, child: 602, comm: "food", exe: "/usr/sbin/food")
        lines.exitGroup(pid: 601, ppid: 600, comm: "food", exe: "/usr/sbin/food")
        lines.exitGroup(pid: 600, ppid: 200, comm: "food", exe: "/usr/sbin/food")
        lines.advance(seconds: 40)
        lines.connect(pid: 602, ppid: 1, comm: "food", exe: "/usr/sbin/food")
        run.run(lines.events)
        let ids = [600, 601, 602].compactMap { run.entityID(pid: Int64($0)) }
        XCTAssertEqual(Set(ids).count, 3)
        let daemon = try XCTUnwrap(run.documents(pid: 602).first)
        XCTAssertEqual(daemon["process.parent.pid"], 1)
        XCTAssertEqual(daemon["process.parent.name"], "systemd")
        XCTAssertEqual(daemon["process.session_leader.entity_id"]?.stringValue, ids[1], "the exited middle child")
        XCTAssertEqual(daemon["process.session_leader.pid"], 601)
        XCTAssertEqual(daemon["process.args"], ["/usr/sbin/food"], "inherited image, no exec of its own")
        XCTAssertNil(run.enricher.table.instance(pid: 601), "exited entries go after the grace period")
    }

    /// The table reuses an exited instance's storage for the next new process: that process is not taken for the
    /// parent of the exited one's children.
    func testReusedStorageIsNotTakenForAParent() throws {
        var run = EnrichmentRun()
        var lines = AuditLines()
        lines.fork(pid: 900, ppid: 1, child: 901, comm: "make", exe: "/usr/bin/make")
        lines.exitGroup(pid: 900, ppid: 1, comm: "make", exe: "/usr/bin/make")
        lines.advance(seconds: 10)
        lines.fork(pid: 950, ppid: 1, child: 951, comm: "cron", exe: "/usr/sbin/cron")
        lines.connect(pid: 901, ppid: 900, comm: "make", exe: "/usr/bin/make")
        run.run(lines.events)
        XCTAssertNil(run.enricher.table.instance(pid: 900), "gone after its grace")
        let makeID = try XCTUnwrap(run.entityID(pid: 900))
        XCTAssertNotEqual(run.entityID(pid: 950), makeID)
        let child = try XCTUnwrap(run.documents(pid: 901).first)
        XCTAssertEqual(child["process.parent.pid"], 900)
        XCTAssertEqual(child["process.parent.entity_id"]?.stringValue, makeID)
        XCTAssertNil(child["process.parent.name"], "the parent left the table")
        XCTAssertEqual(child["process.name"], "make")
    }

    func testPidReuseAfterExitMakesANewInstance() throws {
        var run = EnrichmentRun(source: world(), scan: true)
        var lines = AuditLines()
        lines.fork(pid: 200, ppid: 100, child: 700, comm: "bash", exe: "/usr/bin/bash")
        lines.exec(pid: 700, ppid: 200, comm: "ls", exe: "/usr/bin/ls", args: ["ls"])
        lines.exitGroup(pid: 700, ppid: 200, comm: "ls", exe: "/usr/bin/ls")
        lines.advance(seconds: 60)
        lines.fork(pid: 200, ppid: 100, child: 700, comm: "bash", exe: "/usr/bin/bash")
        lines.exec(pid: 700, ppid: 200, comm: "ps", exe: "/usr/bin/ps", args: ["ps"])
        run.run(lines.events)
        let execs = run.documents(pid: 700, syscall: "execve")
        XCTAssertEqual(execs.count, 2)
        XCTAssertNotEqual(execs[0]["process.entity_id"], execs[1]["process.entity_id"])
        XCTAssertEqual(execs[1]["process.previous.executable"], "/usr/bin/bash", "the new fork's image, not the old ls")
    }

    /// A killed process never calls exit_group; its pid comes back in an exec whose fork was not audited.
    func testPidReuseDetectedByProcStartTime() throws {
        let proc = world()
        proc.add(ProcSnapshot(pid: 800, parentPid: 200, processGroup: 800, sessionID: 200, startTicks: 9100,
                              name: "vim", executable: "/usr/bin/vim", args: ["vim"]))
        var run = EnrichmentRun(source: proc, scan: true)
        // The old 800 was killed; a new 800 (child of sshd's other shell 100) starts later.
        proc.processes[800] = ProcSnapshot(pid: 800, parentPid: 100, processGroup: 800, sessionID: 100,
                                           startTicks: 99_000, name: "sh", executable: "/bin/sh", args: ["sh"])
        var lines = AuditLines()
        lines.exec(pid: 800, ppid: 100, comm: "id", exe: "/usr/bin/id", args: ["id"])
        run.run(lines.events)
        let exec = try XCTUnwrap(run.documents.first)
        XCTAssertEqual(exec["process.entity_id"]?.stringValue,
                       EntityID.make(system: proc.system, pid: 800, startTicks: 99_000))
        XCTAssertEqual(exec["process.parent.name"], "sshd")
        XCTAssertEqual(run.enricher.table.counters.pidReuses, 1)
    }

    func testPruneDropsProcessesThatLeftProc() throws {
        let proc = world()
        let run = EnrichmentRun(source: proc, scan: true)
        proc.processes[200] = nil
        var table = run.enricher.table
        table.prune(nowNanos: 1_700_000_100_000_000_000)
        XCTAssertNil(table.instance(pid: 200))
        XCTAssertNotNil(table.instance(pid: 100))
        XCTAssertEqual(table.counters.pruned, 1)
    }

    func testTableIsBounded() throws {
        var run = EnrichmentRun(source: AbsentProcSource(), limits: .init(maxProcesses: 64))
        var lines = AuditLines()
        for child in 1000..<1400 {
            lines.fork(pid: 900, ppid: 1, child: Int32(child), comm: "make", exe: "/usr/bin/make")
        }
        run.run(lines.events)
        XCTAssertLessThanOrEqual(run.enricher.table.count, 64)
        XCTAssertGreaterThan(run.enricher.table.counters.evicted, 0)
        XCTAssertEqual(run.enricher.table.counters.forks, 400)
        XCTAssertNotNil(run.enricher.table.instance(pid: 1399), "the newest survive")
    }

    /// A forked child still in /proc gets the id a /proc scan would give it (stable across auspex restarts).
    func testForkedChildUsesKernelStartTimeWhenAvailable() throws {
        let proc = world()
        var lines = AuditLines()
        lines.fork(pid: 200, ppid: 100, child: 1200, comm: "bash", exe: "/usr/bin/bash")
        let auditTicks = proc.system.ticks(atEpochNanos: lines.events[0].timestamp.nanosecondsSinceEpoch)
        proc.add(ProcSnapshot(pid: 1200, parentPid: 200, processGroup: 200, sessionID: 200,
                              startTicks: auditTicks - 37, name: "bash"))
        lines.fork(pid: 200, ppid: 100, child: 1201, comm: "bash", exe: "/usr/bin/bash")
        var run = EnrichmentRun(source: proc, scan: true)
        run.run(lines.events)
        XCTAssertEqual(run.enricher.table.instance(pid: 1200)?.entityID,
                       EntityID.make(system: proc.system, pid: 1200, startTicks: auditTicks - 37))
        XCTAssertEqual(run.enricher.table.instance(pid: 1201)?.startTicks, auditTicks, "gone: audit time stands in")
    }

    func testStoredArgumentsAreBounded() throws {
        var run = EnrichmentRun(limits: .init(maxArgumentBytes: 100))
        var lines = AuditLines()
        let long = [String](repeating: String(repeating: "x", count: 30), count: 10)
        lines.exec(pid: 950, ppid: 1, comm: "big", exe: "/usr/bin/big", args: ["big"] + long)
        lines.fork(pid: 950, ppid: 1, child: 951, comm: "big", exe: "/usr/bin/big")
        lines.connect(pid: 951, ppid: 950, comm: "big", exe: "/usr/bin/big")
        run.run(lines.events)
        let exec = try XCTUnwrap(run.documents(pid: 950, syscall: "execve").first)
        XCTAssertEqual(exec["process.args_count"], 11, "the exec event keeps its full vector")
        let child = try XCTUnwrap(run.documents(pid: 951).first)
        guard case .array(let parentArgs)? = child["process.parent.args"] else { return XCTFail("no parent args") }
        XCTAssertEqual(parentArgs.compactMap(\.stringValue).joined().utf8.count, 100)
        XCTAssertEqual(run.enricher.table.counters.truncatedArguments, 1)
    }

    func testCloneOfAThreadIsNotAProcess() throws {
        var run = EnrichmentRun()
        var lines = AuditLines()
        lines.syscall(56, pid: 900, ppid: 1, exit: 901, a0: "3d0f00", comm: "java", exe: "/usr/bin/java")
        run.run(lines.events)
        XCTAssertNil(run.enricher.table.instance(pid: 901))
        XCTAssertEqual(run.enricher.table.counters.forks, 0)
    }
}
