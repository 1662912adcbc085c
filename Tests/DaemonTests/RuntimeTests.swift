@testable import Daemon
import AuditNetlink
import AuditRecords
import Detection
import DetectionTestSupport
import Events
import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class RuntimeTests: XCTestCase {
    func testRecordQueueNeverBlocksTheReaderAndCountsDrops() {
        let queue = RecordQueue(capacity: 3)
        let record = RawRecord(type: 1300, payload: Array("audit(1.000:1): x=1".utf8))
        queue.push([record, record])
        queue.push([record, record, record])
        var counters = queue.counters
        XCTAssertEqual(counters.accepted, 3)
        XCTAssertEqual(counters.dropped, 2)
        XCTAssertEqual(counters.highWater, 3)
        XCTAssertEqual(queue.takeAll(timeoutMilliseconds: 0).count, 3)
        XCTAssertEqual(queue.takeAll(timeoutMilliseconds: 10).count, 0, "empty after a timeout")
        queue.push([record])
        counters = queue.counters
        XCTAssertEqual(counters.depth, 1)
        queue.close()
        XCTAssertEqual(queue.takeAll(timeoutMilliseconds: 1000).count, 1, "a closed queue still drains")
        XCTAssertTrue(queue.isClosed)
    }

    func testKernelRuleListingNamesTheSyscallsOfExitAlwaysRules() throws {
        // struct audit_rule_data: flags, action, field_count, mask[64], … (native-endian u32s).
        func setWord(_ bytes: inout [UInt8], _ index: Int, _ value: UInt32) {
            withUnsafeBytes(of: value) { for (offset, byte) in $0.enumerated() { bytes[index * 4 + offset] = byte } }
        }
        // Rules built by libaudit as auditctl would, then listed as the kernel lists them: exit (4), always (2).
        func listed(_ arch: String, _ syscalls: [String]) throws -> [UInt8] {
            var bytes = try AuditRuleData.syscallRule(arch: arch, syscalls: syscalls, key: "k")
            setWord(&bytes, 0, 4)
            setWord(&bytes, 1, 2)
            return bytes
        }
        let b64 = try listed("b64", ["execve", "execveat"]), b32 = try listed("b32", ["socket"])
        let masks = try [b64, b32].map { try XCTUnwrap(AuditRuleData.syscallMask($0)) }
        XCTAssertEqual(masks.map(\.arch), [AuditArch.x86_64.rawValue, AuditArch.i386.rawValue])
        XCTAssertEqual(masks[0].numbers, [59, 322])  // x86_64 execve, execveat
        XCTAssertEqual(KernelRuleListing.syscalls(in: masks), ["execve", "execveat", "socket"])

        var never = b64
        setWord(&never, 1, 1)  // AUDIT_NEVER: excludes, audits nothing
        XCTAssertNil(AuditRuleData.syscallMask(never))
        var all = b64
        for word in 3..<66 { setWord(&all, word, .max) }  // words 0…62 of the mask, as libaudit's `-S all`
        let allMask = try XCTUnwrap(AuditRuleData.syscallMask(all))
        XCTAssertTrue(allMask.coversAll)
        XCTAssertTrue(KernelRuleListing.syscalls(in: [allMask]).contains("all"))
        XCTAssertNil(AuditRuleData.syscallMask(Array(b64.prefix(100))), "a truncated rule is no rule")
        var watch = all
        XCTAssertEqual(AuditRuleData.syscallMask(watch)?.arch, AuditArch.x86_64.rawValue, "fields[0] is the arch")
        setWord(&watch, 67, 106)  // fields[0] = AUDIT_PERM: `-w PATH -p wa`, stored on every syscall
        XCTAssertNil(AuditRuleData.syscallMask(watch), "a watch audits one object, not syscalls")
        // A rule without an arch field applies to the native arch.
        var noArch = masks[0]
        noArch.arch = 0
        XCTAssertEqual(KernelRuleListing.syscalls(in: [noArch], native: .x86_64), ["execve", "execveat"])
        XCTAssertFalse(KernelRuleListing.syscalls(in: [noArch], native: .aarch64).contains("execve"))
    }

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
                                         settings: resolved.config.pipelineSettings)
        XCTAssertEqual(pipeline.processes.table.limits.maxProcesses, 2048)
        XCTAssertEqual(resolved.config.pipelineSettings.matcherLimits.capacity, 77)
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
