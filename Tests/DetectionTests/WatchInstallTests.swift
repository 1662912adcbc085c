@testable import AuditNetlink
@testable import Detection
import Foundation
import PackageTestSupport
import XCTest
@testable import Rules

/// The daemon keeps derived file watches only when it installs the kernel rules and every path can be watched.
final class WatchInstallTests: XCTestCase {
    private func plan(paths: [String], in directory: String) throws -> AuditRulePlan {
        let list = paths.map { "\"\($0)\"" }.joined(separator: ", ")
        try FileManager.default.createDirectory(atPath: directory + "/rules", withIntermediateDirectories: true)
        try RuleText.minimal(id: "reads", name: "reads", index: "logs-endpoint.events.file-*",
                             query: #"file where event.action == "open" and file.path in (\#(list))"#).write(toFile: directory + "/rules/reads.toml", atomically: true, encoding: .utf8)
        let load = RuleSet.load(paths: [directory + "/rules"])
        XCTAssertEqual(load.diagnostics.filter { $0.severity == .error }, [])
        return AuditRulePlan(ruleSet: load.ruleSet)
    }

    func testWatchesNeedAnExistingDirectoryNoSymlinkAndOurOwnKernelRules() throws {
        let directory = NSTemporaryDirectory() + "auspex-watch-install-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "x".write(toFile: directory + "/secret", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: directory + "/link", withDestinationPath: directory + "/secret")
        var logged: [String] = []

        // An existing file and a missing file of an existing directory: watched.
        let good = try plan(paths: [directory + "/secret", directory + "/not-yet"], in: directory)
        XCTAssertEqual(good.watches.map(\.path), [directory + "/not-yet", directory + "/secret"])
        let kept = good.installable(installsRules: true) { logged.append($0) }
        XCTAssertEqual(kept.watches, good.watches)
        XCTAssertEqual(logged, [])
        XCTAssertEqual(kept.auditRuleSet(key: "auspex").watches.map(\.permissions), ["r", "r"])
        XCTAssertFalse(kept.auditRuleSet(key: "auspex").syscalls.contains("openat"))
        XCTAssertTrue(kept.installedSummary.contains("watches \(directory)/not-yet (r)"), kept.installedSummary)

        // Multicast (or rules not installed by us): the open family, silently.
        let multicast = good.installable(installsRules: false) { logged.append($0) }
        XCTAssertEqual(multicast.watches, [])
        XCTAssertTrue(multicast.syscalls.contains("openat"))
        XCTAssertEqual(logged, [])

        // A symbolic link, a missing directory: the open family, said once.
        for path in [directory + "/link", directory + "/missing/secret"] {
            logged = []
            let fallback = try plan(paths: [directory + "/secret", path], in: directory)
                .installable(installsRules: true) { logged.append($0) }
            XCTAssertEqual(fallback.watches, [], path)
            XCTAssertTrue(fallback.auditRuleSet(key: "auspex").syscalls.contains("openat"), path)
            XCTAssertEqual(logged.count, 1, path)
            XCTAssertTrue(logged.first?.contains(path) == true, "\(logged)")
        }
    }
}
