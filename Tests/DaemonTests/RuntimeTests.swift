@testable import Daemon
@testable import AuditNetlink
@testable import AuditRecords
@testable import Detection
import DetectionTestSupport
@testable import Events
@testable import EQL
import Foundation
@testable import Processes
@testable import Rules
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class RuntimeTests: XCTestCase {
    func testRunOptionsOverrideTheConfiguration() {
        let options = RunOptions(configPath: "/nonexistent/auspex.toml", overrides: ["engine.max_samples_per_key=3"],
                                 rulePaths: ["/tmp/rules"], spoolDirectory: "/tmp/spool", noJournald: true,
                                 multicast: true)
        let resolved = options.resolve()
        XCTAssertTrue(resolved.hasErrors, "an explicitly named configuration file must exist")
        XCTAssertEqual(resolved.config.rules.paths, ["/tmp/rules"])
        XCTAssertEqual(resolved.config.spool.dir, "/tmp/spool")
        XCTAssertTrue(resolved.config.spool.enabled)
        XCTAssertFalse(resolved.config.journald.enabled)
        XCTAssertEqual(resolved.config.audit.mode, .multicast)
        XCTAssertEqual(resolved.config.engine.maxSamplesPerKey, 3)
    }

    func testEngineLimitsReachThePipeline() throws {
        let resolved = ResolvedConfiguration.load(path: nil, overrides: ["engine.max_processes=2048",
                                                                         "engine.max_sequences_per_rule=77"])
        XCTAssertFalse(resolved.hasErrors, resolved.diagnostics.map(\.description).joined(separator: "\n"))
        let pipeline = DetectionPipeline(ruleSet: RuleSet.load(paths: []).ruleSet,
                                         settings: resolved.config.pipelineSettings())
        XCTAssertEqual(pipeline.processes.table.limits.maxProcesses, 2048)
        XCTAssertEqual(resolved.config.pipelineSettings().matcherLimits.capacity, 77)
    }
}

final class RunStatusTests: XCTestCase {
    /// The process table's counters reach the state file (which `auspex status` prints) and the exit summary.
    func testProcessTableCountersAreInTheStateFileAndSummary() throws {
        var log = AuditLogText()
        log.syscall(AuditLogText.execve, args: ["5600", "5601", "5602", "0"], pid: 600, ppid: 1, comm: "sh",
                    exe: "/usr/bin/dash", argv: ["sh", "-c", "true"], paths: [("/bin/sh", "NORMAL", "0100755")])
        log.syscall(AuditLogText.clone, exit: 601, args: ["1200011", "0", "0", "0"], pid: 600, ppid: 1, comm: "sh",
                    exe: "/usr/bin/dash")
        log.syscall(AuditLogText.exitGroup, pid: 601, ppid: 600, comm: "sh", exe: "/usr/bin/dash")
        var pipeline = DetectionPipeline(ruleSet: RuleSet.load(paths: []).ruleSet,
                                         settings: PipelineSettings(host: HostInfo(id: "h", name: "vm")),
                                         names: StaticNameLookup())
        let path = NSTemporaryDirectory() + "auspex-status-\(getpid()).log"
        try log.text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        _ = LogReplay.run(descriptor: descriptor, through: &pipeline) { _ in }

        let status = RunStatus(processor: ProcessorSnapshot(pipeline),
                               queue: .init(accepted: 0, dropped: 0, depth: 0, highWater: 0), receive: .init(),
                               kernelLost: 0, sinks: [], uptimeSeconds: 1)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(status.json.utf8)) as? [String: Any])
        let state = try XCTUnwrap(json["processes"] as? [String: Any], "dotted names nest: processes.execs")
        XCTAssertEqual(state["execs"] as? Int, 1)
        XCTAssertEqual(state["forks"] as? Int, 1)
        XCTAssertEqual(state["exits"] as? Int, 1)
        XCTAssertEqual(state["count"] as? Int, pipeline.processes.table.count)
        XCTAssertNotNil(state["proc_lookups"] as? Int)
        XCTAssertNotNil(state["pid_reuses"] as? Int)
        XCTAssertEqual(state["clone3_threads"] as? Int, 0)
        XCTAssertTrue(status.summary.contains("processes: \(pipeline.processes.table.count) known"), status.summary)
        XCTAssertTrue(status.summary.contains("1 forks, 1 execs, 1 exits"), status.summary)
    }
}
