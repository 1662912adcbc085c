import Foundation
import PackageTestSupport
import XCTest

/// `auspex check` validates the exception files of `[exceptions] paths` with file:line:col and counts what it read;
/// `auspex replay` applies them.
final class ExceptionCheckTests: XCTestCase {
    func testCheckReportsExceptionFileProblemsAndReplayAppliesTheLists() throws {
        let binary = try PackagePaths.auspexBinary()
        let work = try Workdir()
        defer { work.remove() }
        let exceptions = work.root + "/exceptions.d"
        try FileManager.default.createDirectory(atPath: exceptions, withIntermediateDirectories: true)
        try (try String(contentsOfFile: work.config, encoding: .utf8)
            + "\n[exceptions]\npaths = [\"\(exceptions)\"]\nattach_to_all_rules = [\"lab\"]\n")
            .write(toFile: work.config, atomically: true, encoding: .utf8)
        try work.addPackRule(LiveDaemonTests.ourRuleFile)
        let good = """
            {"list_id":"lab","type":"detection","namespace_type":"single","name":"Lab hosts"}
            {"item_id":"lab-shells","list_id":"lab","type":"simple","entries":[{"field":"process.pid","operator":"included","type":"match","value":"4300"}]}
            {"exported_exception_list_count":1,"exported_exception_list_item_count":1,"missing_exception_list_item_count":0,"missing_exception_list_items":[],"missing_exception_lists":[],"missing_exception_lists_count":0}

            """
        try good.write(toFile: exceptions + "/lab.ndjson", atomically: true, encoding: .utf8)
        let ok = try Subprocess.run(binary, ["check", "--quiet", "--config", work.config, work.rules])
        XCTAssertEqual(ok.status, 0, ok.stdout)
        XCTAssertTrue(ok.stdout.contains("1 exception files, 1 lists, 1 items"), ok.stdout)

        // The synthetic UDP reverse shell is pid 4300: the lab item keeps it from every rule.
        if let log = try? PackagePaths.shared("audit-samples/synthetic/udp-reverse-shell-synthetic.log").path {
            let replay = try Subprocess.run(binary, ["replay", "--config", work.config, "--rules", work.rules, log])
            XCTAssertEqual(replay.status, 0, replay.stderr)
            XCTAssertEqual(replay.stdout, "", "excepted: no alert")
            XCTAssertTrue(replay.stderr.contains("exceptions: "), replay.stderr)
            XCTAssertTrue(replay.stderr.contains("lab/lab-shells"), replay.stderr)
        }

        try #"{"item_id":"x","list_id":"lab","type":"simple","entries":[{"field":"process.name","operator":"maybe","type":"match","value":"x"}]}"#
            .appending("\n").write(toFile: exceptions + "/bad.ndjson", atomically: true, encoding: .utf8)
        let bad = try Subprocess.run(binary, ["check", "--quiet", "--config", work.config, work.rules])
        XCTAssertEqual(bad.status, 78, bad.stdout)
        XCTAssertTrue(bad.stdout.contains(exceptions + "/bad.ndjson:1:60: error: entry on 'process.name': 'operator' must be"),
                      bad.stdout)
    }
}
