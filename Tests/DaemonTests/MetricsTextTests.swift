@testable import Alerting
@testable import AuditNetlink
@testable import Detection
import DetectionTestSupport
@testable import EventModel
@testable import Events
import Foundation
import PackageTestSupport
import XCTest
@testable import Daemon

/// The Prometheus text exposition of the daemon's status: well-formed, complete, escaped; and the file written
/// atomically.
final class MetricsTextTests: XCTestCase {
    private func status(tally: ProcessorTally = ProcessorTally(), facts: DaemonFacts = DaemonFacts(),
                        sinks: [(String, SinkCounters)] = []) -> RunStatus {
        let pipeline = DetectionPipeline(ruleSet: RuleSet.load(paths: []).ruleSet,
                                         settings: PipelineSettings(host: HostInfo(id: "h", name: "vm")),
                                         names: StaticNameLookup())
        return RunStatus(processor: ProcessorSnapshot(pipeline, tally: tally),
                         queue: .init(accepted: 10, dropped: 3, depth: 2, highWater: 7),
                         receive: .init(), kernelLost: 5, sinks: sinks.map { (name: $0.0, counters: $0.1) },
                         uptimeSeconds: 42, lossAlerts: 1, facts: facts)
    }

    private func alert(rule id: String, name: String, severity: AlertRule.Severity) -> Alert {
        Alert(rule: AlertRule(id: id, name: name, severity: severity, riskScore: 47), events: [
            Document(fields: [("@timestamp", "2026-11-22T01:00:00.5Z"), ("process.pid", 7)]),
        ])
    }

    /// Samples by series (`name{labels}`), after checking every line's syntax and that each family's HELP and
    /// TYPE come before its samples.
    private func parse(_ text: String) throws -> [String: Double] {
        XCTAssertTrue(text.hasSuffix("\n"))
        var samples: [String: Double] = [:]
        var declared: Set<String> = []
        let name = try NSRegularExpression(pattern: #"^[a-zA-Z_:][a-zA-Z0-9_:]*"#)
        let labels = try NSRegularExpression(pattern: #"^\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\}$"#)
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("# HELP ") { continue }
            if line.hasPrefix("# TYPE ") {
                let words = line.split(separator: " ")
                XCTAssertEqual(words.count, 4, line)
                XCTAssertTrue(["counter", "gauge"].contains(String(words[3])), line)
                XCTAssertTrue(declared.insert(String(words[2])).inserted, "family declared twice: \(line)")
                continue
            }
            let range = NSRange(line.startIndex..., in: line)
            let nameEnd = try XCTUnwrap(name.firstMatch(in: line, range: range), line).range.upperBound
            let family = String(line.prefix(nameEnd))
            XCTAssertTrue(declared.contains(family), "sample before its TYPE: \(line)")
            let space = try XCTUnwrap(line.lastIndex(of: " "), line)
            let series = String(line[..<space])
            let labelText = String(series.dropFirst(family.count))
            if !labelText.isEmpty {
                XCTAssertNotNil(labels.firstMatch(in: labelText, range: NSRange(labelText.startIndex..., in: labelText)), line)
            }
            let value = try XCTUnwrap(Double(line[line.index(after: space)...]), line)
            XCTAssertNil(samples.updateValue(value, forKey: series), "duplicate series: \(series)")
        }
        return samples
    }

    func testExpositionCarriesEveryFamilyWellFormed() throws {
        var tally = ProcessorTally()
        for _ in 0..<3 { tally.countRecord(type: 1300) }
        tally.countRecord(type: 1309)
        tally.countRecord(type: 60000)
        tally.countAlert(alert(rule: "r-1", name: "Reverse Shell over UDP", severity: .medium))
        tally.countAlert(alert(rule: "r-1", name: "Reverse Shell over UDP", severity: .medium))
        tally.countAlert(alert(rule: "r-2", name: "say \"hi\"\\now\nthen", severity: .critical))
        var facts = DaemonFacts()
        facts.mode = "multicast"
        facts.rulesSkipped = 2
        facts.reloads = 3
        facts.reloadFailures = 1
        facts.lastReloadSucceeded = false
        var spool = SinkCounters()
        spool.delivered = 9
        spool.failed = 1
        let samples = try parse(MetricsText.render(status(tally: tally, facts: facts, sinks: [("spool", spool)])))

        XCTAssertEqual(samples[#"auspex_build_info{version="\#(BuildInfo.version)"}"#], 1)
        XCTAssertEqual(samples[#"auspex_mode_info{mode="multicast"}"#], 1)
        XCTAssertEqual(samples["auspex_uptime_seconds"], 42)
        XCTAssertEqual(samples[#"auspex_rules{state="skipped"}"#], 2)
        XCTAssertEqual(samples[#"auspex_rules{state="loaded"}"#], 0)
        XCTAssertEqual(samples["auspex_reloads_total"], 3)
        XCTAssertEqual(samples["auspex_reload_failures_total"], 1)
        XCTAssertEqual(samples["auspex_last_reload_success"], 0)
        XCTAssertEqual(samples[#"auspex_records_total{type="SYSCALL"}"#], 3)
        XCTAssertEqual(samples[#"auspex_records_total{type="EXECVE"}"#], 1)
        XCTAssertEqual(samples[#"auspex_records_total{type="OTHER"}"#], 1)
        XCTAssertEqual(samples[#"auspex_alerts_total{rule_id="r-1",rule_name="Reverse Shell over UDP",severity="medium"}"#], 2)
        XCTAssertEqual(samples[#"auspex_alerts_total{rule_id="r-2",rule_name="say \"hi\"\\now\nthen",severity="critical"}"#], 1,
                       "quote, backslash and newline escaped")
        XCTAssertEqual(samples[#"auspex_lost_total{cause="kernel_lost"}"#], 5)
        XCTAssertEqual(samples[#"auspex_lost_total{cause="queue_dropped"}"#], 3)
        for cause in LossCounts().causes.map(\.name) {
            XCTAssertNotNil(samples[#"auspex_lost_total{cause="\#(cause)"}"#], cause)
        }
        XCTAssertEqual(samples["auspex_loss_alerts_total"], 1)
        XCTAssertEqual(samples[#"auspex_queue_depth{queue="records"}"#], 2)
        XCTAssertEqual(samples[#"auspex_queue_high_water{queue="records"}"#], 7)
        XCTAssertNotNil(samples["auspex_processes"])
        XCTAssertNotNil(samples["auspex_rule_state_keys"])
        XCTAssertEqual(samples[#"auspex_sink_alerts_total{sink="spool",outcome="delivered"}"#], 9)
        XCTAssertEqual(samples[#"auspex_sink_healthy{sink="spool"}"#], 0, "a failed write makes the sink unhealthy")
        for outcome in ["raised", "passed", "suppressed", "rate_limited"] {
            XCTAssertNotNil(samples[#"auspex_alert_gate_total{outcome="\#(outcome)"}"#], outcome)
        }
    }

    func testBeforeAnyReloadTheLastReloadCountsAsSuccessful() throws {
        let samples = try parse(MetricsText.render(status()))
        XCTAssertEqual(samples["auspex_last_reload_success"], 1)
        XCTAssertEqual(samples["auspex_reloads_total"], 0)
    }

    /// Events are counted by the type of their first record as the pipeline emits them.
    func testEventsAreCountedByTypeFromThePipeline() throws {
        var log = AuditLogText()
        log.syscall(AuditLogText.execve, pid: 700, ppid: 1, comm: "nc", exe: "/usr/bin/nc", argv: ["nc", "-l"])
        log.syscall(AuditLogText.execve, pid: 701, ppid: 1, comm: "nc", exe: "/usr/bin/nc", argv: ["nc", "-l"])
        let path = NSTemporaryDirectory() + "auspex-metrics-events-\(getpid()).log"
        try log.text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var pipeline = DetectionPipeline(ruleSet: RuleSet.load(paths: []).ruleSet,
                                         settings: PipelineSettings(host: HostInfo(id: "h", name: "vm")),
                                         names: StaticNameLookup())
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        _ = LogReplay.run(descriptor: descriptor, through: &pipeline) { _ in }
        let status = RunStatus(processor: ProcessorSnapshot(pipeline), queue: .init(accepted: 0, dropped: 0, depth: 0, highWater: 0),
                               receive: .init(), kernelLost: 0, sinks: [], uptimeSeconds: 1)
        let samples = try parse(MetricsText.render(status))
        XCTAssertEqual(samples[#"auspex_events_total{type="SYSCALL"}"#], 2)
        XCTAssertEqual(pipeline.counters.events, 2)
    }

    func testRenderingIsStable() {
        var tally = ProcessorTally()
        for rule in ["b", "a", "c"] { tally.countAlert(alert(rule: rule, name: rule, severity: .low)) }
        XCTAssertEqual(MetricsText.render(status(tally: tally)), MetricsText.render(status(tally: tally)))
        let text = MetricsText.render(status(tally: tally))
        let order = ["rule_id=\"a\"", "rule_id=\"b\"", "rule_id=\"c\""].compactMap { text.range(of: $0)?.lowerBound }
        XCTAssertEqual(order, order.sorted())
        XCTAssertEqual(order.count, 3)
    }

    /// The state file carries the same new figures: mode, rule loading, reloads, rates, alerts by rule and
    /// severity, losses by cause, sink health.
    func testStateFileCarriesModeRulesReloadsAndAlertsBySeverity() throws {
        var tally = ProcessorTally()
        tally.countAlert(alert(rule: "r-1", name: "UDP shell", severity: .high))
        var facts = DaemonFacts()
        facts.rulesSkipped = 4
        facts.reloads = 1
        facts.lastReloadSucceeded = true
        facts.eventsPerSecond = 12.5
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status(tally: tally, facts: facts,
                                                                                sinks: [("journald", SinkCounters())]).json.utf8)) as? [String: Any])
        XCTAssertEqual(json["mode"] as? String, "unicast")
        XCTAssertEqual(json["version"] as? String, BuildInfo.version)
        XCTAssertEqual(json.value(at: "rules.skipped") as? Int, 4)
        XCTAssertEqual(json.value(at: "reload.count") as? Int, 1)
        XCTAssertEqual(json.value(at: "reload.last_succeeded") as? Bool, true)
        XCTAssertEqual(json.value(at: "rate.events_per_second") as? Double, 12.5)
        XCTAssertEqual(json.value(at: "loss.kernel_lost") as? Int, 5)
        XCTAssertEqual(json.value(at: "loss.total") as? Int, 8)
        XCTAssertEqual(json.value(at: "queue.depth") as? Int, 2)
        XCTAssertEqual(json.value(at: "sinks.journald.healthy") as? Bool, true)
        let byRule = try XCTUnwrap(json.value(at: "alerts.by_rule") as? [[String: Any]])
        XCTAssertEqual(byRule.first?["name"] as? String, "UDP shell")
        let delivered = try XCTUnwrap(byRule.first?["delivered"] as? [[String: Any]])
        XCTAssertEqual(delivered.first?["severity"] as? String, "high")
        XCTAssertEqual(delivered.first?["count"] as? Int, 1)
    }

    func testMetricsFileIsReplacedAtomically() throws {
        let directory = try Fixtures.temporaryDirectory("metrics")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/auspex.prom"
        try AtomicFile.write("first\n", to: path)
        try AtomicFile.write(MetricsText.render(status()), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), MetricsText.render(status()))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["auspex.prom"], "no temporary left")
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode & 0o777, 0o644)
        XCTAssertThrowsError(try AtomicFile.write("x", to: directory + "/missing/auspex.prom"), "a missing directory is an error")
    }
}

private extension Dictionary where Key == String, Value == Any {
    func value(at path: String) -> Any? {
        var current: Any? = self
        for part in path.split(separator: ".") { current = (current as? [String: Any])?[String(part)] }
        return current
    }
}
