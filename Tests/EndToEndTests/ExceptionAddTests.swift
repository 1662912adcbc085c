import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `auspex exception add` writes items in Kibana's NDJSON format that `check` reads and `replay` applies.
final class ExceptionAddTests: XCTestCase {
    func testAddWritesAKibanaItemThatCheckReadsAndReplayApplies() throws {
        let binary = try PackagePaths.auspexBinary()
        let log = try PackagePaths.shared("audit-samples/synthetic/udp-reverse-shell-synthetic.log").path
        let work = try Workdir()
        defer { work.remove() }
        let exceptions = work.root + "/exceptions.d"   // created by the first add
        try (try String(contentsOfFile: work.config, encoding: .utf8)
            + "\n[rules]\npaths = [\"\(work.rules)\"]\n[exceptions]\npaths = [\"\(exceptions)\"]\n")
            .write(toFile: work.config, atomically: true, encoding: .utf8)
        try work.addPackRule(LiveDaemonTests.ourRuleFile)
        let rule = LiveDaemonTests.ourRuleID
        func auspex(_ arguments: [String]) throws -> Subprocess.Result { try Subprocess.run(binary, arguments) }
        func add(_ arguments: [String]) throws -> Subprocess.Result {
            try auspex(["exception", "add", "--config", work.config] + arguments)
        }

        let before = try auspex(["replay", "--config", work.config, log])
        XCTAssertEqual(before.status, 0, before.stderr)
        XCTAssertTrue(before.stdout.contains(rule), "the shell alerts without exceptions")

        // Usage errors (validate()): exit 64, nothing written.
        XCTAssertEqual(try add(["--rule", rule, "--all", "--field", "process.name", "--value", "x"]).status, 64)
        XCTAssertEqual(try add(["--field", "process.name", "--value", "x"]).status, 64)
        XCTAssertEqual(try add(["--all", "--field", "process.name", "--value", "x", "--operator", "maybe"]).status, 64)
        XCTAssertEqual(try add(["--all", "--field", "process.name", "--value", "x", "--expire-time", "soon"]).status, 64)
        XCTAssertFalse(FileManager.default.fileExists(atPath: exceptions))

        let added = try add(["--rule", rule, "--field", "process.executable", "--value", "/usr/bin/python3.10"])
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertEqual(added.stderr, "", "known rule and field: no warning")
        XCTAssertTrue(added.stdout.contains("to list auspex-rule-\(rule) in \(exceptions)/auspex-local.ndjson"), added.stdout)
        let file = exceptions + "/auspex-local.ndjson"
        var info = stat()
        XCTAssertEqual(lstat(file, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o644)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2, "container, then the item")
        let container = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        XCTAssertEqual(container["type"] as? String, "rule_default")
        XCTAssertEqual(container["list_id"] as? String, "auspex-rule-\(rule)")
        XCTAssertEqual(container["name"] as? String, "Reverse Shell over UDP - Default Exception List")
        XCTAssertEqual((container["meta"] as? [String: Any])?["auspex_rule_ids"] as? [String], [rule])
        let item = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        XCTAssertNotNil(UUID(uuidString: item["item_id"] as? String ?? ""), "item_id is a UUID")
        XCTAssertEqual(item["namespace_type"] as? String, "single")
        XCTAssertEqual(item["type"] as? String, "simple")
        XCTAssertEqual(item["os_types"] as? [String], ["linux"])
        XCTAssertEqual((item["comments"] as? [Any])?.count, 0)
        let entries = try XCTUnwrap(item["entries"] as? [[String: String]])
        XCTAssertEqual(entries, [["field": "process.executable", "operator": "included", "type": "match",
                                  "value": "/usr/bin/python3.10"]])

        let check = try auspex(["check", "--quiet", "--config", work.config])
        XCTAssertEqual(check.status, 0, check.stdout)
        XCTAssertTrue(check.stdout.contains("1 exception files, 1 lists, 1 items"), check.stdout)
        let after = try auspex(["replay", "--config", work.config, log])
        XCTAssertEqual(after.status, 0, after.stderr)
        XCTAssertEqual(after.stdout, "", "excepted by the added item")
        XCTAssertTrue(after.stderr.contains("auspex-rule-\(rule)/\(item["item_id"] as? String ?? "?")"), after.stderr)

        // A second item of the same list: only the item line; a field audit never produces and an unknown rule warn.
        let typo = try add(["--rule", rule, "--field", "process.exe", "--value", "x", "--operator", "excluded"])
        XCTAssertEqual(typo.status, 0, typo.stderr)
        XCTAssertTrue(typo.stderr.contains("warning: the audit source never produces 'process.exe'"), typo.stderr)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").count, 3)
        let unknown = try add(["--rule", "no-such-rule", "--field", "process.name", "--value", "x"])
        XCTAssertEqual(unknown.status, 0, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("no rule in [rules] paths has the id 'no-such-rule'"), unknown.stderr)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").count, 5)

        // --all: every rule; the excluded operator (python3.10 is excepted as "not /usr/bin/bash").
        try FileManager.default.removeItem(atPath: file)
        let all = try add(["--all", "--field", "process.executable", "--value", "/usr/bin/bash", "--operator", "excluded"])
        XCTAssertEqual(all.status, 0, all.stderr)
        let allReplay = try auspex(["replay", "--config", work.config, log])
        XCTAssertEqual(allReplay.stdout, "", allReplay.stderr)
        XCTAssertTrue(allReplay.stderr.contains("auspex-all-rules/"), allReplay.stderr)

        // Never through a symbolic link.
        let elsewhere = work.root + "/elsewhere.ndjson"
        try "".write(toFile: elsewhere, atomically: true, encoding: .utf8)
        XCTAssertEqual(symlink(elsewhere, exceptions + "/link.ndjson"), 0)
        let refused = try add(["--all", "--field", "process.name", "--value", "x", "--list", exceptions + "/link.ndjson"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("symbolic link"), refused.stderr)
        XCTAssertEqual(try String(contentsOfFile: elsewhere, encoding: .utf8), "")
    }
}
