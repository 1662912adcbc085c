import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Everything one live test needs around `auspex run`: the checks (root, audit, a free audit socket), a journald,
/// a work directory, optionally the reverse-shell test host, and the daemon. `finish()` stops the daemon and asserts
/// that it left the kernel as it found it (exit status, no `auspex` audit rule, the audit pid released), then stops
/// journald and removes the host and the directory. Call it from `tearDown` or a `defer`.
final class LiveRun {
    let binary: String
    let work: Workdir
    let journald: Harness.Journald
    let host: TestHost?
    private(set) var daemon: RunningDaemon?
    private var stopped = false
    private var finished = false
    private var cleanups: [() -> Void] = []

    init(withHost: Bool = false) throws {
        try Harness.requireLiveAudit()
        binary = try PackagePaths.auspexBinary().path
        try Harness.waitForFreeAudit()
        journald = try Harness.Journald()
        work = try Workdir()
        do {
            host = withHost ? try TestHost() : nil
        } catch {
            journald.stop()
            work.remove()
            throw error
        }
    }

    /// The base arguments of a run of this work directory: its config, rules and spool.
    var runArguments: [String] {
        ["run", "--config", work.config, "--rules", work.rules, "--spool", work.spool]
    }

    /// Starts `auspex run` with `runArguments + extra` and waits until it reads the kernel. A daemon still running
    /// from an earlier `start` must have been stopped or killed first.
    @discardableResult
    func start(_ extra: [String] = [], stderrLog: String? = nil) throws -> RunningDaemon {
        let daemon = try RunningDaemon(binary: binary, arguments: runArguments + extra,
                                       stderrLog: stderrLog ?? work.stderrLog)
        self.daemon = daemon
        XCTAssertTrue(daemon.waitUntilReading(), "daemon did not start reading:\n\(daemon.stderr)")
        return daemon
    }

    /// Takes a daemon started another way (behind a wrapper command) for `stop()` and `finish()`.
    func adopt(_ daemon: RunningDaemon) { self.daemon = daemon }

    /// Alerts of `rule` in the spool.
    func alerts(rule: String) -> [[String: Any]] { work.spooledAlerts().filter { $0.ruleID == rule } }

    /// The daemon's state file, parsed (nil until its first status interval).
    func state() -> [String: Any]? {
        guard let data = FileManager.default.contents(atPath: work.root + "/state.json") else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }

    /// An integer counter of the state file (`sinks.spool.failed`), 0 while absent.
    func counter(_ path: String) -> Int { state()?.value(at: path) as? Int ?? 0 }

    /// Runs `body` in `finish()` after the daemon stopped, before the work directory goes (last added, first run).
    func addCleanup(_ body: @escaping () -> Void) { cleanups.append(body) }

    /// Stops the daemon (SIGTERM) and asserts a clean stop: the exit status, no `auspex` audit rule, the audit pid
    /// released, the final summary printed. Idempotent; the daemon's stderr stays readable until `finish()`.
    func stop(expectStatus: Int32 = 0) {
        guard !stopped else { return }
        stopped = true
        guard let daemon else { return }
        let status = daemon.stop()
        XCTAssertEqual(status, expectStatus, "auspex run exit status; stderr:\n\(daemon.stderr)")
        XCTAssertEqual(Harness.auditRules(key: "auspex"), [], "our audit rules were removed")
        XCTAssertEqual(Harness.auditPID(), 0, "the audit pid was released")
        XCTAssertTrue(daemon.stderr.contains("stopped after"), "final summary on stderr:\n\(daemon.stderr)")
    }

    /// `stop()`, then the cleanups, the host, journald and the work directory. Idempotent.
    func finish() {
        guard !finished else { return }
        stop()
        finished = true
        cleanups.reversed().forEach { $0() }
        host?.remove()
        journald.stop()
        work.remove()
    }
}

/// A copy of /bin/true under a name nothing else runs, and a rule that alerts on every exec of it: a burst of
/// alerts on demand.
struct MarkerProgram {
    static let ruleID = "7a1c0de0-fa01-4e57-b0a5-000000000001"
    let path: String

    /// Copies the program into `work` and writes its rule into the rules directory.
    init(in work: Workdir) throws {
        path = work.root + "/auspex-marker"
        try FileManager.default.copyItem(atPath: "/bin/true", toPath: path)
        XCTAssertEqual(chmod(path, 0o755), 0)
        try work.write(rule: RuleText.minimal(id: Self.ruleID, name: "Marker executed",
            index: "logs-auditd_manager.auditd-*",
            query: #"process where event.action == "executed" and process.name == "auspex-marker""#),
            as: "marker.toml")
    }

    /// Flags that let every marker exec through as its own alert (no duplicate suppression, no rate limit).
    static let everyAlert = ["--set", "alerts.suppress_duplicates=false", "--set", "alerts.rate_limit_per_minute=0"]

    /// Runs the marker once.
    func run() { _ = try? Subprocess.run(path, []) }

    /// Starts `shells` shells running the marker `times` times each, in the background, each exec with
    /// `argumentBytes` bytes of arguments (large EXECVE records fill a socket buffer fast).
    func burst(shells: Int, times: Int, argumentBytes: Int = 0) -> [Process] {
        let chunks = argumentBytes / 4000
        let arguments = chunks > 0 ? String(repeating: " $a", count: chunks) : ""
        return (0..<shells).compactMap { _ in
            Harness.background("/bin/bash",
                               ["-c", "a=$(printf '%04000d' 0); for i in $(seq \(times)); do \(path)\(arguments); done"])
        }
    }
}
