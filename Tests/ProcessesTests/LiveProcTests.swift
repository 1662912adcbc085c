import Foundation
@testable import Processes
import XCTest

/// The real /proc of this machine.
final class LiveProcTests: XCTestCase {
    func testSystemFacts() throws {
        let proc = LiveProcSource()
        let bootID = try String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(proc.system.bootID, bootID)
        XCTAssertGreaterThan(proc.system.pidNamespace, 0)
        XCTAssertGreaterThan(proc.system.bootTimeNanos, 1_000_000_000 * 1_000_000_000)
        XCTAssertLessThan(proc.system.bootTimeNanos, Int64(Date().timeIntervalSince1970 * 1e9))
    }

    func testOwnProcess() throws {
        let proc = LiveProcSource()
        let me = try XCTUnwrap(proc.snapshot(of: getpid()))
        XCTAssertEqual(me.parentPid, getppid())
        XCTAssertEqual(me.startTicks, proc.startTicks(of: getpid()))
        let exe = try XCTUnwrap(me.executable)
        XCTAssertEqual(exe, try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        XCTAssertEqual(me.args, CommandLine.arguments)
        XCTAssertEqual(me.uid, getuid())
        XCTAssertEqual(me.euid, geteuid())
        XCTAssertEqual(me.workingDirectory, FileManager.default.currentDirectoryPath)
    }

    func testScanAndLazyLookupOfAChild() throws {
        var child: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sleep"), strdup("30"), nil]
        defer { argv.forEach { free($0) } }
        XCTAssertEqual(posix_spawn(&child, "/bin/sleep", nil, nil, argv, environ), 0)
        defer {
            kill(child, SIGKILL)
            var status: Int32 = 0
            waitpid(child, &status, 0)
        }
        // exec happens shortly after spawn returns; wait for the new image.
        let proc = LiveProcSource()
        var snapshot = proc.snapshot(of: child)
        for _ in 0..<100 where snapshot?.args != ["/bin/sleep", "30"] {
            usleep(10_000)
            snapshot = proc.snapshot(of: child)
        }
        XCTAssertEqual(snapshot?.args, ["/bin/sleep", "30"])
        XCTAssertEqual(snapshot?.parentPid, getpid())

        var table = ProcessTable(source: proc)
        let clock = ContinuousClock()
        let scan = clock.measure { table.scanExisting() }
        print("live /proc scan: \(table.count) processes in \(scan)")
        XCTAssertNotNil(table.instance(pid: 1))
        let me = try XCTUnwrap(table.instance(pid: getpid()))
        let sleeper = try XCTUnwrap(table.instance(pid: child))
        XCTAssertEqual(sleeper.parentEntityID, me.entityID, "parents are loaded before children")
        XCTAssertEqual(sleeper.entityID, EntityID.make(system: proc.system, pid: child, startTicks: snapshot!.startTicks))
        XCTAssertGreaterThan(table.count, 2)

        kill(child, SIGKILL)
        var status: Int32 = 0
        waitpid(child, &status, 0)
        XCTAssertNil(proc.snapshot(of: child), "gone once reaped")
        table.prune(nowNanos: Int64(Date().timeIntervalSince1970 * 1e9) + 60_000_000_000)
        XCTAssertNil(table.instance(pid: child))
        XCTAssertNotNil(table.instance(pid: getpid()))
    }
}
