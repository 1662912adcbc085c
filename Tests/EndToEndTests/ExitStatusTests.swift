import Foundation
import PackageTestSupport
import XCTest

/// Exit statuses of `auspex run` that are decided before the kernel is touched, and `auspex check`'s.
final class ExitStatusTests: XCTestCase {
    private func run(_ arguments: [String]) throws -> Subprocess.Result {
        try Subprocess.run(try PackagePaths.auspexBinary(), arguments)
    }

    func testStatusWithoutADaemonSaysSoAndExits3() throws {
        let work = try Workdir()
        defer { work.remove() }
        let absent = try run(["status", "--config", work.config])
        XCTAssertEqual(absent.status, 3, "no state file: exit 3 (not running)")
        XCTAssertTrue(absent.stderr.contains("no daemon is running (no state file at \(work.root)/state.json"), absent.stderr)

        // A state file left by a daemon that is gone is shown as such, not as a live daemon.
        try #"{"pid":2147483646,"written_at":0,"pipeline":{"alerts":7}}"#
            .write(toFile: work.root + "/state.json", atomically: true, encoding: .utf8)
        let stale = try run(["status", "--config", work.config])
        XCTAssertEqual(stale.status, 3)
        XCTAssertTrue(stale.stdout.contains("pid 2147483646 NOT running"), stale.stdout)
        XCTAssertTrue(stale.stdout.contains("pipeline.alerts: 7"), stale.stdout)
        XCTAssertTrue(stale.stderr.contains("no daemon is running (pid 2147483646"), stale.stderr)
        XCTAssertEqual(try run(["status", "--json", "--config", work.config]).status, 3)
    }

    /// What `auspex status` makes of a running daemon's state file (this test's pid stands in for the daemon's).
    func testStatusGroupsTheStateForAReader() throws {
        let work = try Workdir()
        defer { work.remove() }
        let state = """
            {"pid":\(getpid()),"written_at":\(time(nil)),"version":"9.9","mode":"multicast","uptime_seconds":61,
             "rules":{"loaded":12,"skipped":1,"failed":0},"reload":{"count":2,"failures":1,"last_succeeded":false},
             "rate":{"interval_seconds":10.0,"records_per_second":120.5,"events_per_second":30.25},
             "pipeline":{"records":1205,"events":302},
             "alerts":{"raised":5,"passed":3,"suppressed":2,"rate_limited":0,"summaries":1,
                       "by_rule":[{"rule":"r-1","name":"Reverse Shell over UDP","delivered":[{"severity":"medium","count":3}],
                                   "suppressed":2,"rate_limited":0}]},
             "exceptions":{"excepted":4},
             "loss":{"kernel_lost":0,"enobufs":0,"queue_dropped":7,"reassembly_lost":0,"reassembly_evicted":0,
                     "rule_state_evicted":0,"sink_dropped":0,"total":7},"loss_alerts":1,
             "queue":{"depth":3,"high_water":90},"processes":{"count":140},"state":{"pending_keys":6},
             "sinks":{"journald":{"healthy":true,"last_error":null,"delivered":3,"failed":0,"dropped":0},
                      "spool":{"healthy":false,"last_error":"write: No space left on device","delivered":2,"failed":1,"dropped":0}}}
            """
        try state.write(toFile: work.root + "/state.json", atomically: true, encoding: .utf8)
        let status = try run(["status", "--config", work.config])
        XCTAssertEqual(status.status, 0, status.stderr)
        for expected in ["pid \(getpid()) running", "version 9.9, mode multicast, up 61 s",
                         "rules: 12 loaded, 1 skipped (not EQL), 0 failed; reloads 2 (1 failed, LAST FAILED",
                         "rate: 120.5 records/s, 30.2 events/s over the last 10.0 s",
                         "alerts: 5 raised, 3 passed, 2 suppressed, 0 rate-limited, 1 summaries; 4 events excepted",
                         "  Reverse Shell over UDP (r-1): 3 medium; suppressed 2, rate-limited 0",
                         "losses: 7 (kernel_lost 0, enobufs 0, queue_dropped 7,", "; 1 blind-spot alerts",
                         "queue: 3 waiting, high water 90; processes: 140 in the table; rule state: 6 keys pending",
                         "journald ok (delivered 3", "spool UNHEALTHY (delivered 2, failed 1, dropped 0, last error: write: No space"] {
            XCTAssertTrue(status.stdout.contains(expected), "missing '\(expected)' in:\n\(status.stdout)")
        }
        let json = try run(["status", "--json", "--config", work.config])
        XCTAssertEqual(json.status, 0)
        XCTAssertEqual(json.stdout, state)
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
