import Foundation
import XCTest

/// Exit statuses of `auspex run` that are decided before the kernel is touched, and `auspex check`'s.
final class ExitStatusTests: XCTestCase {
    private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        Harness.run(try Harness.auspexBinary(), arguments)
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
        XCTAssertTrue(check.output.contains(work.rules + "/broken.toml:"), check.output)
        XCTAssertTrue(check.output.contains("1 failed"), check.output)
    }

    func testMissingPrivilegeExits77() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root to drop to nobody") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { throw XCTSkip("no setpriv") }
        let binary = try Harness.auspexBinary()
        let work = try Workdir()
        defer { work.remove() }
        try work.addPackRule(LiveDaemonTests.ourRuleFile)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: work.root)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: work.rules)
        let result = Harness.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", binary,
                                                      "run", "--config", work.config, "--rules", work.rules,
                                                      "--no-journald", "--set", "spool.enabled=false"])
        guard result.status != 126, result.status != 127 else {
            throw XCTSkip("nobody cannot execute \(binary)")
        }
        XCTAssertEqual(result.status, 77)
    }
}
