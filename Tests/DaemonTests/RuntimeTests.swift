@testable import Daemon
import XCTest

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

    func testKernelRuleListingFindsTheAuditedSyscalls() {
        let listing = """
            -a never,exit -S all -F pid=123 -F key=auspex
            -a always,exit -F arch=b64 -S execve,execveat -F key=exec
            -a always,exit -F arch=b32 -S socket -F auid>=1000 -F key=net
            -w /etc/passwd -p wa -k identity
            """
        XCTAssertEqual(KernelRuleListing.syscalls(inListing: listing), ["all", "execve", "execveat", "socket"])
        XCTAssertEqual(KernelRuleListing.syscalls(inListing: "No rules"), [])
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
}
