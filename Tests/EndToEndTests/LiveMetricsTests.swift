import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A real `auspex run` writes `[metrics] textfile`, Debian's prometheus-node-exporter serves it over HTTP, and
/// `auspex status` reads the same daemon. Leaves no process, audit rule or audit pid behind.
final class LiveMetricsTests: XCTestCase {
    private static let exporter = "/usr/bin/prometheus-node-exporter"
    private static let ruleID = "286a2362-9c58-4686-9694-29bbce4c34c9"
    private var host: TestHost?
    private var work: Workdir?
    private var daemon: RunningDaemon?
    private var server: Process?

    override func tearDown() {
        if let server, server.isRunning {
            kill(server.processIdentifier, SIGTERM)
            server.waitUntilExit()
        }
        if let daemon {
            XCTAssertEqual(daemon.stop(), 0, "auspex run exit status; stderr:\n\(daemon.stderr)")
            XCTAssertEqual(Harness.auditRules(key: "auspex"), [], "our audit rules were removed")
            XCTAssertEqual(Harness.auditPID(), 0, "the audit pid was released")
        }
        host?.remove()
        work?.remove()
        super.tearDown()
    }

    private func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// GET over HTTP with python3's urllib (the test host has no curl).
    private func get(_ url: String) throws -> String {
        let run = try Subprocess.run("/usr/bin/python3", ["-c", "import sys, urllib.request; "
            + "sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())", url])
        XCTAssertEqual(run.status, 0, run.stderr)
        return run.stdout
    }

    func testDaemonMetricsReachTheNodeExporterAndStatusReadsTheDaemon() throws {
        try Harness.requireLiveAudit()
        guard FileManager.default.isExecutableFile(atPath: Self.exporter) else {
            throw XCTSkip("prometheus-node-exporter is not installed (make test-deps installs it)")
        }
        let binary = try PackagePaths.auspexBinary().path
        try Harness.waitForFreeAudit()
        let work = try Workdir()
        self.work = work
        try work.addPackRule("command_and_control_udp_reverse_shell.toml")
        let metricsDirectory = work.root + "/textfile"
        try FileManager.default.createDirectory(atPath: metricsDirectory, withIntermediateDirectories: true)
        let metrics = metricsDirectory + "/auspex.prom"
        let config = read(work.config) + "\n[metrics]\ntextfile = \"\(metrics)\"\n"
        try config.write(toFile: work.config, atomically: true, encoding: .utf8)
        let host = try TestHost()
        self.host = host
        let daemon = try RunningDaemon(binary: binary, arguments: ["run", "--config", work.config, "--rules", work.rules,
                                                                   "--spool", work.spool, "--no-journald"],
                                       stderrLog: work.stderrLog)
        self.daemon = daemon
        XCTAssertTrue(daemon.waitUntilReading(), "daemon did not start reading:\n\(daemon.stderr)")

        XCTAssertEqual(host.bash("exec 3<>/dev/udp/\(TestHost.address)/4444"), 0)
        let alertSeries = "auspex_alerts_total{rule_id=\"\(Self.ruleID)\""
        XCTAssertTrue(Harness.wait(seconds: 10) { read(metrics).contains(alertSeries) },
                      "the metrics file shows the alert:\n\(read(metrics))\n\(daemon.stderr)")
        daemon.signal(SIGHUP)
        XCTAssertTrue(Harness.wait(seconds: 10) { read(metrics).contains("\nauspex_reloads_total 1\n") },
                      "the reload is counted:\n\(read(metrics))")
        XCTAssertTrue(read(metrics).contains("\nauspex_last_reload_success 1\n"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: metrics + ".tmp"), "written through a renamed temporary")

        // `auspex status` reads this daemon.
        let status = try Subprocess.run(binary, ["status", "--config", work.config])
        XCTAssertEqual(status.status, 0, status.stderr)
        for expected in ["pid \(daemon.pid) running", "mode unicast", "rules: 1 loaded, 0 skipped (not EQL), 0 failed; reloads 1 (0 failed, last ok)",
                         "(\(Self.ruleID)): 1 ", "losses: ", "sinks: spool ok (delivered "] {
            XCTAssertTrue(status.stdout.contains(expected), "status lacks '\(expected)':\n\(status.stdout)")
        }

        // The node exporter's textfile collector serves the series over HTTP.
        let port = try LocalPort.free()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Self.exporter)
        server.arguments = ["--web.listen-address=127.0.0.1:\(port)", "--collector.disable-defaults",
                            "--collector.textfile", "--collector.textfile.directory=\(metricsDirectory)"]
        let serverLog = try TemporaryFile()
        server.standardOutput = serverLog.handle
        server.standardError = serverLog.handle
        try server.run()
        self.server = server
        XCTAssertTrue(LocalPort.waitUntilListening(port), "node exporter did not listen: \(serverLog.contents())")
        let scraped = try get("http://127.0.0.1:\(port)/metrics")
        let lines = Set(scraped.split(separator: "\n").map(String.init))
        XCTAssertTrue(lines.contains("node_textfile_scrape_error 0"), "the exporter parsed the file:\n\(serverLog.contents())")
        XCTAssertTrue(lines.contains("auspex_build_info{version=\"\(read(PackagePaths.root.appendingPathComponent("Sources/Detection/Command/BuildInfo.swift").path).split(separator: "\"")[1])\"} 1"),
                      scraped.prefix(3000).description)
        XCTAssertTrue(lines.contains { $0.hasPrefix(alertSeries) && $0.hasSuffix(" 1") }, "alert series: \(lines.filter { $0.hasPrefix("auspex_alerts") })")
        XCTAssertTrue(lines.contains { $0.hasPrefix("auspex_records_total{type=\"SYSCALL\"} ") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("auspex_events_total{type=\"SYSCALL\"} ") })
        XCTAssertTrue(lines.contains("auspex_mode_info{mode=\"unicast\"} 1"))
        XCTAssertTrue(lines.contains("auspex_reloads_total 1"))
        for cause in ["kernel_lost", "enobufs", "queue_dropped", "sink_dropped"] {
            XCTAssertTrue(lines.contains { $0.hasPrefix("auspex_lost_total{cause=\"\(cause)\"} ") }, cause)
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("auspex_queue_high_water{queue=\"records\"} ") })
        XCTAssertTrue(lines.contains { $0.hasPrefix("auspex_processes ") })
        XCTAssertTrue(lines.contains("auspex_sink_healthy{sink=\"spool\"} 1"))
        kill(server.processIdentifier, SIGTERM)
        server.waitUntilExit()

        // Stopped: the last metrics stay, and status says no daemon runs.
        XCTAssertEqual(daemon.stop(), 0, daemon.stderr)
        self.daemon = nil
        XCTAssertEqual(Harness.auditRules(key: "auspex"), [])
        XCTAssertEqual(Harness.auditPID(), 0)
        XCTAssertEqual(try Subprocess.run(binary, ["status", "--config", work.config]).status, 3)
    }
}
