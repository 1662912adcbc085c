import Foundation
import Glibc
import PackageTestSupport
import XCTest

/// Review "Reliability and security" F3/F5 through the built binary: what `auspex run` refuses before it
/// touches the kernel (exit 78, the reason on stderr).
final class StartRefusalTests: XCTestCase {
    private func run(_ arguments: [String]) throws -> Subprocess.Result {
        try Subprocess.run(try PackagePaths.auspexBinary(), arguments)
    }

    func testDuplicateRuleIDsAcrossFilesNameBothFilesAndRefuseTheStart() throws {
        let work = try Workdir()
        defer { work.remove() }
        try work.addPackRule(LiveDaemonTests.ourRuleFile)
        let original = work.rules + "/" + LiveDaemonTests.ourRuleFile
        let copy = work.rules + "/zz_copy.toml"
        try FileManager.default.copyItem(atPath: original, toPath: copy)
        let result = try run(["run", "--config", work.config, "--rules", work.rules, "--no-journald",
                              "--spool", work.spool])
        XCTAssertEqual(result.status, 78, result.stderr)
        let line = try XCTUnwrap(result.stderr.split(separator: "\n").first { $0.contains("duplicate rule_id") })
        XCTAssertTrue(line.contains(copy + ":") && line.contains("already defined in " + original), String(line))
        let check = try run(["check", "--config", work.config, work.rules])
        XCTAssertEqual(check.status, 78)
    }

    func testSymlinkedSpoolIsRefusedBeforeTheKernel() throws {
        let work = try Workdir()
        defer { work.remove() }
        try work.addPackRule(LiveDaemonTests.ourRuleFile)
        let elsewhere = work.root + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere + "/keep", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work.spool, withIntermediateDirectories: true)
        XCTAssertEqual(symlink(elsewhere, work.spool + "/tmp"), 0)
        let result = try run(["run", "--config", work.config, "--rules", work.rules, "--no-journald",
                              "--spool", work.spool])
        XCTAssertEqual(result.status, 78, result.stderr)
        XCTAssertTrue(result.stderr.contains("refused: it is a symlink"), result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: elsewhere), ["keep"])
    }

    func testWorldWritableRulesAreRefusedUnlessStrictPermissionsIsOff() throws {
        let work = try Workdir()
        defer { work.remove() }
        try work.addPackRule(LiveDaemonTests.ourRuleFile)
        let file = work.rules + "/" + LiveDaemonTests.ourRuleFile
        XCTAssertEqual(chmod(file, 0o646), 0)
        let check = try run(["check", "--config", work.config, work.rules])
        XCTAssertEqual(check.status, 78)
        XCTAssertTrue(check.stdout.contains("\(file):1:1: error: refused: file group- or world-writable (mode 646)"), check.stdout)
        let relaxed = try run(["check", "--config", work.config, "--set", "rules.strict_permissions=false", work.rules])
        XCTAssertEqual(relaxed.status, 0, relaxed.stdout)
    }
}
