import Foundation
import Glibc
import XCTest
@testable import Rules

/// Review "Reliability and security": the size cap checked on the opened descriptor (a symlink to a huge file,
/// a FIFO), and F5 (StrictModes-like ownership and mode checks, duplicate rule ids).
final class RuleFileSecurityTests: XCTestCase {
    private func rule(from: String, id: String = "9f0c2a52-4d5e-4c1a-9a57-2f1d7c7e0b01") -> String {
        RuleDiagnosticsTests.ruleText(id: id, replacing: "from = \"now-9m\"", with: "from = \"\(from)\"")
    }

    func testSymlinkToAHugeFileIsRefusedByItsOpenedSize() throws {
        let directory = try TemporaryDirectory()
        let huge = directory.path + "/huge.bin"
        XCTAssertTrue(FileManager.default.createFile(atPath: huge, contents: nil))
        XCTAssertEqual(truncate(huge, 8 << 30), 0)  // sparse 8 GiB: reading it whole would exhaust memory
        let link = directory.path + "/rules.toml"
        XCTAssertEqual(symlink(huge, link), 0)
        let (outcome, diagnostics) = RuleLoader().loadFile(atPath: link)
        XCTAssertEqual(outcome, .failed)
        XCTAssertEqual(diagnostics.map(\.message), ["file is larger than 1048576 bytes; not a rule file"])
    }

    func testFIFOIsRefusedWithoutBlocking() throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.path + "/pipe.toml"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        XCTAssertEqual(RuleLoader().loadFile(atPath: fifo).1.map(\.message), ["not a regular file"])
        let config = directory.path + "/auspex.toml"
        XCTAssertEqual(mkfifo(config, 0o600), 0)
        XCTAssertEqual(ConfigLoader.load(path: config).diagnostics.map(\.message), ["not a regular file"])
    }

    func testOversizedConfigIsRefusedUnread() throws {
        let directory = try TemporaryDirectory()
        let config = try directory.write("auspex.toml", "")
        XCTAssertEqual(truncate(config, 8 << 30), 0)
        XCTAssertEqual(ConfigLoader.load(path: config).diagnostics.map(\.message), ["file is larger than 1048576 bytes; not read"])
    }

    func testGroupOrWorldWritableRuleFilesAndDirectoriesAreRefused() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("rule.toml", rule(from: "now-9m"))
        XCTAssertEqual(RuleLoader().load(paths: [directory.path]).rules.count, 1)

        chmod(file, 0o666)
        var report = RuleLoader().load(paths: [directory.path])
        XCTAssertEqual(report.rules.count, 0)
        XCTAssertEqual(report.diagnostics.map(\.description), ["\(file):1:1: error: refused: file group- or world-writable (mode 666)"])
        XCTAssertEqual(RuleLoader(strictPermissions: false).load(paths: [directory.path]).rules.count, 1)

        chmod(file, 0o644)
        chmod(directory.path, 0o777)
        report = RuleLoader().load(paths: [directory.path])
        XCTAssertEqual(report.rules.count, 0)
        XCTAssertEqual(report.diagnostics.map(\.description),
                       ["\(directory.path):1:1: error: refused: directory group- or world-writable (mode 777)"])
        report = RuleLoader().load(paths: [file])  // a single file: its directory is checked too
        XCTAssertEqual(report.diagnostics.map(\.description),
                       ["\(file):1:1: error: refused: directory group- or world-writable (mode 777) (\(directory.path))"])
        XCTAssertEqual(RuleLoader(strictPermissions: false).load(paths: [file]).rules.count, 1)
        chmod(directory.path, 0o755)
    }

    func testFilesOwnedByAnotherUserAreRefused() throws {
        guard geteuid() == 0 else { throw XCTSkip("chown to another user needs root") }
        let directory = try TemporaryDirectory()
        let file = try directory.write("rule.toml", rule(from: "now-9m"))
        XCTAssertEqual(chown(file, 4242, 4242), 0)
        let report = RuleLoader().load(paths: [directory.path])
        XCTAssertEqual(report.diagnostics.map(\.message), ["refused: file owned by uid 4242, not by root or the daemon's user (uid 0)"])
        let config = try directory.write("auspex.toml", "[rules]\nstrict_permissions = false\n")
        XCTAssertEqual(chown(config, 4242, 4242), 0)
        XCTAssertEqual(ConfigLoader.load(path: config).diagnostics.map(\.message),
                       ["refused: file owned by uid 4242, not by root or the daemon's user (uid 0)"])
    }

    func testStrictPermissionsIsAConfigKeyAndTheConfigItselfIsAlwaysChecked() throws {
        let directory = try TemporaryDirectory()
        let config = try directory.write("auspex.toml", "[rules]\nstrict_permissions = false\n")
        let loaded = ConfigLoader.load(path: config)
        XCTAssertEqual(loaded.diagnostics, [])
        XCTAssertFalse(loaded.config.rules.strictPermissions)
        XCTAssertTrue(AuspexConfig().rules.strictPermissions)
        chmod(config, 0o664)
        XCTAssertEqual(ConfigLoader.load(path: config).diagnostics.map(\.message),
                       ["refused: file group- or world-writable (mode 664)"])
    }

    func testDuplicateRuleIDNamesBothFiles() throws {
        let directory = try TemporaryDirectory()
        let first = try directory.write("a.toml", rule(from: "now-9m"))
        let second = try directory.write("b.toml", rule(from: "now-5m"))
        let report = RuleLoader().load(paths: [directory.path])
        XCTAssertTrue(report.hasErrors)
        let message = try XCTUnwrap(report.diagnostics.first { $0.severity == .error }).description
        XCTAssertTrue(message.hasPrefix(second) && message.contains(first), message)
    }
}
