import Foundation
import PackageTestSupport
import XCTest

/// Exit statuses of `auspex run` that are decided before the kernel is touched, and `auspex check`'s.
final class ExitStatusTests: XCTestCase {
    private func run(_ arguments: [String]) throws -> Subprocess.Result {
        try Subprocess.run(try PackagePaths.auspexBinary(), arguments)
    }

    func testStatusWithoutADaemonSaysSo() throws {
        let work = try Workdir()
        defer { work.remove() }
        XCTAssertEqual(try run(["status", "--config", work.config]).status, 1, "no state file: exit 1")

        // A state file left by a daemon that is gone is shown as such, not as a live daemon.
        try #"{"pid":2147483646,"written_at":0,"pipeline":{"alerts":7}}"#
            .write(toFile: work.root + "/state.json", atomically: true, encoding: .utf8)
        let stale = try run(["status", "--config", work.config])
        XCTAssertEqual(stale.status, 0)
        XCTAssertTrue(stale.stdout.contains("pid 2147483646 NOT running"), stale.stdout)
        XCTAssertTrue(stale.stdout.contains("pipeline.alerts: 7"), stale.stdout)
    }

    func testUsageErrorsExit64() throws {
        XCTAssertEqual(try run(["run", "--no-such-flag"]).status, 64)
        XCTAssertEqual(try run(["run", "--rules", ""]).status, 64)
    }

    func testConfigurationAndRuleErrorsExit78BeforeTouchingTheKernel() throws {
        let work = try Workdir()
        defer { work.remove() }
        try "[engine]\nmax_sequences_per_rule = \"many\"\n".write(toFile: work.root + "/bad.toml", atomically: true,
                                                                  encoding: .utf8)
        XCTAssertEqual(try run(["run", "--config", work.root + "/bad.toml", "--rules", work.rules]).status, 78)
        XCTAssertEqual(try run(["run", "--config", work.root + "/missing.toml"]).status, 78)

        try work.write(rule: "[rule]\nname = \"half a rule\"\n", as: "broken.toml")
        XCTAssertEqual(try run(["run", "--config", work.config, "--rules", work.rules, "--no-journald"]).status, 78)
        let check = try run(["check", "--config", work.config, work.rules])
        XCTAssertEqual(check.status, 78)
        XCTAssertTrue(check.stdout.contains(work.rules + "/broken.toml:"), check.stdout)
        XCTAssertTrue(check.stdout.contains("1 failed"), check.stdout)
    }

    func testMissingPrivilegeExits77() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root to drop to nobody") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { throw XCTSkip("no setpriv") }
        let binary = try PackagePaths.auspexBinary().path
        let work = try Workdir()
        defer { work.remove() }
        try work.addPackRule(LiveDaemonTests.ourRuleFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: work.root)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: work.rules)
        let result = try Subprocess.run("/usr/bin/setpriv", [
            "--reuid=65534", "--regid=65534", "--clear-groups", binary,
            "run", "--config", work.config, "--rules", work.rules, "--no-journald", "--set", "spool.enabled=false",
        ])
        guard result.status != 126, result.status != 127 else {
            throw XCTSkip("nobody cannot execute \(binary)")
        }
        XCTAssertEqual(result.status, 77)
    }
}
