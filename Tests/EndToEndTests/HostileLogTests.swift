import Foundation
import PackageTestSupport
import XCTest

/// Review "Reliability and security" F1/F2 through the built binary: records stamped beyond what Int64
/// nanoseconds hold are malformed (counted, reported with their line), never a crash; a stamp at the very
/// end of the range still runs through the process table and a maxspan sequence without trapping.
final class HostileLogTests: XCTestCase {
    private static let lines = [
        "type=SYSCALL msg=audit(1700000000.000:1): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 pid=70 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm=\"sh\" exe=\"/bin/sh\"",
        "type=EOE msg=audit(1700000000.000:1): ",
        "type=SYSCALL msg=audit(9223372036.000:2): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 pid=70 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm=\"sh\" exe=\"/bin/sh\"",
        "type=EOE msg=audit(9223372036.000:2): ",
        "type=SYSCALL msg=audit(9223372036.855:3): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 pid=70 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm=\"sh\" exe=\"/bin/sh\"",
        "type=SYSCALL msg=audit(253402300799.999:4): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 pid=70 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm=\"sh\" exe=\"/bin/sh\"",
    ]

    private func logFile() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("auspex-hostile-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log")
        try Data(Self.lines.joined(separator: "\n").utf8).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testEventsFileCountsOutOfRangeStampsAsMalformed() throws {
        let binary = try PackagePaths.auspexBinary()
        let run = try Subprocess.run(binary, ["events", "--file", try logFile().path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(Harness.summaryFigure("malformed", in: run.stderr), 2, run.stderr)
        XCTAssertTrue(run.stderr.contains("malformed line 5:"), run.stderr)
        XCTAssertTrue(run.stderr.contains("malformed line 6:"), run.stderr)
        XCTAssertEqual(run.stdout.split(separator: "\n").count, 2)
    }

    func testReplayWithAMaxspanSequenceSurvivesTheEndOfTime() throws {
        let binary = try PackagePaths.auspexBinary()
        let rules = PackagePaths.root.appendingPathComponent("etc/auspex/rules.d").path
        let run = try Subprocess.run(binary, ["replay", "--rules", rules, try logFile().path])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("(2 malformed)"), run.stderr)
    }
}

extension HostileLogTests {
    /// F8: a serial without EOE whose records all share one time is delivered in pieces of 4,096 records
    /// (counted), instead of growing until the end of the file.
    func testASerialWithoutEOEIsDeliveredInBoundedPieces() throws {
        let binary = try PackagePaths.auspexBinary()
        let line = "type=PATH msg=audit(1700000000.000:7): item=0 name=\"/x\" nametype=NORMAL\n"
        let input = Data(String(repeating: line, count: 10_000).utf8)
        let run = try Subprocess.run(binary, ["events", "--file", "-"], input: input)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("oversized events 2"), run.stderr)
        XCTAssertEqual(Harness.summaryFigure("events", in: run.stderr), 3, run.stderr)
    }
}
