@testable import EventModel
@testable import Processes
import XCTest

/// Laurel's process-tracking traces: fork/exec chains, reordering, a reused pid.
final class ProcessTreeSampleTests: XCTestCase {
    /// bash 71432 forks 71505 (exec test-script.sh), which forks 71506/71507; 71506 forks 71508/71509.
    func testShellTraceExecChainAndForkTree() throws {
        var run = EnrichmentRun()
        run.run(Samples.events(fromLog: try Samples.laurel("shell-proc-trace.txt")))
        try assertShellTree(run)
        let grep = try XCTUnwrap(run.documents(pid: 71507, syscall: "execve").first)
        XCTAssertEqual(grep["process.command_line"], "grep baz")
        XCTAssertEqual(grep["process.args_count"], 2)
        XCTAssertEqual(grep["process.interactive"], true)
        XCTAssertEqual(grep["process.previous.executable"], "/usr/bin/dash", "forked shell image before exec")
        XCTAssertEqual(grep["process.parent.name"], "test-script.sh")
        XCTAssertEqual(grep["process.parent.executable"], "/usr/bin/dash")
        XCTAssertEqual(grep["process.parent.args"], ["/bin/sh", "./src/testdata/double-fork/test-script.sh"])
        XCTAssertEqual(grep["process.parent.command_line"], "/bin/sh ./src/testdata/double-fork/test-script.sh")
        XCTAssertEqual(grep["process.user.id"], "1000")
        XCTAssertEqual(grep["user.Ext.real.id"], "1000")
    }

    func testReorderedTraceGivesTheSameTree() throws {
        var run = EnrichmentRun()
        run.run(Samples.events(fromLog: try Samples.laurel("shell-proc-trace-reordered.txt")))
        try assertShellTree(run)
    }

    private func assertShellTree(_ run: EnrichmentRun, file: StaticString = #filePath, line: UInt = #line) throws {
        let script = try XCTUnwrap(run.entityID(pid: 71505, syscall: "execve"), file: file, line: line)
        // Stable across execve: the script's forks carry the id of its exec event.
        for fork in run.documents(pid: 71505, syscall: "clone") {
            XCTAssertEqual(fork["process.entity_id"]?.stringValue, script, "same instance after execve", file: file, line: line)
        }
        // The fork of 71505 by bash: bash's own id differs, and 71505's parent is bash.
        let bash = try XCTUnwrap(run.entityID(pid: 71432), file: file, line: line)
        XCTAssertNotEqual(bash, script, file: file, line: line)
        XCTAssertEqual(run.documents(pid: 71505, syscall: "execve").first?["process.parent.entity_id"]?.stringValue, bash,
                       file: file, line: line)
        // Children: distinct ids, parent = the script (71507) or the subshell 71506 (71508, 71509).
        let subshell = try XCTUnwrap(run.entityID(pid: 71506), file: file, line: line)
        let ids = [71506, 71507, 71508, 71509].compactMap { run.entityID(pid: Int64($0)) }
        XCTAssertEqual(Set(ids + [script, bash]).count, 6, "every process instance has its own id", file: file, line: line)
        for (child, parent) in [(71506, script), (71507, script), (71508, subshell), (71509, subshell)] {
            for document in run.documents(pid: Int64(child)) {
                XCTAssertEqual(document["process.parent.entity_id"]?.stringValue, parent, "parent of \(child)",
                               file: file, line: line)
            }
        }
    }

    /// 2655 ran `rm` long ago; csh 2542 later forks a new 2655 (pid reuse) whose child runs `id`.
    func testReusedPidGetsANewInstance() throws {
        var run = EnrichmentRun()
        run.run(Samples.events(fromLog: try Samples.laurel("shell-proc-trace-confusion.txt")))
        let rm = try XCTUnwrap(run.documents(pid: 2655, syscall: "execve").first { $0["process.name"] == "rm" })
        let awk = try XCTUnwrap(run.documents(pid: 2655, syscall: "execve").first { $0["process.name"] == "awk" })
        XCTAssertNotEqual(rm["process.entity_id"], awk["process.entity_id"])
        let id = try XCTUnwrap(run.documents(pid: 2656, syscall: "execve").first)
        XCTAssertEqual(id["process.parent.entity_id"], awk["process.entity_id"])
        XCTAssertEqual(id["process.parent.name"], "csh", "the new 2655 (forked csh), not the old rm")
        XCTAssertGreaterThanOrEqual(run.enricher.table.counters.pidReuses, 1)
    }

    /// uncaring-parent forks and exits; the child forks again (no exec) and then execs with ppid=1.
    func testForkWithoutExecAndReparenting() throws {
        var run = EnrichmentRun()
        run.run(Samples.events(fromLog: try Samples.laurel("fork-sleep-exec.txt")))
        let parent = try XCTUnwrap(run.entityID(pid: 1578539, syscall: "execve"))
        let forks = run.documents(pid: 1578540, syscall: "clone")
        let fork = try XCTUnwrap(forks.first)
        let child = try XCTUnwrap(fork["process.entity_id"]?.stringValue)
        XCTAssertNotEqual(child, parent)
        XCTAssertEqual(fork["process.name"], "uncaring-parent", "a fork without exec keeps the parent's image")
        let exec = try XCTUnwrap(run.documents(pid: 1578540, syscall: "execve").first)
        XCTAssertEqual(exec["process.entity_id"]?.stringValue, child, "same instance after reparenting and execve")
        XCTAssertEqual(exec["process.parent.pid"], 1)
        XCTAssertNotEqual(exec["process.parent.entity_id"]?.stringValue, parent, "no longer the exited parent")
    }
}
