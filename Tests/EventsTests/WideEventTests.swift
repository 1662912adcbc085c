@testable import AuditRecords
@testable import EventModel
import Foundation
@testable import Events
@testable import Reassembler
import XCTest

/// Review "Reliability and security" F8: 20k distinct keys in a compound event took 11 s (a linear
/// `hasData` search per key). The bound is generous (debug build, shared CPU) yet far below the old cost.
final class WideEventTests: XCTestCase {
    private func wideEvent(keys: Int, duplicateEvery: Int = 0) throws -> AuditEvent {
        var generic = "type=BPRM_FCAPS msg=audit(1700000000.300:9):"
        for index in 0..<keys {
            generic += " k\(index)=\(index)"
            if duplicateEvery > 0 && index % duplicateEvery == 0 { generic += " k\(index)=dup" }
        }
        let text = "type=SYSCALL msg=audit(1700000000.300:9): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 pid=77 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm=\"x\" exe=\"/bin/x\"\n"
            + generic + "\n"
        return try XCTUnwrap(try Fixtures.events(fromLogText: text).first)
    }

    func testTwentyThousandKeysInOneEventNormalizeInLinearTime() throws {
        let event = try wideEvent(keys: 20_000)
        var counters = NormalizerCounters()
        let started = Date()
        let document = Fixtures.normalizer().normalize(event, counters: &counters)
        let seconds = Date().timeIntervalSince(started)
        XCTAssertLessThan(seconds, 2.0, "normalizing 20k keys took \(seconds) s")
        XCTAssertEqual(document["auditd.data.k0"], "0")
        XCTAssertEqual(document["auditd.data.k19999"], "19999")
    }

    func testFirstValueStillWinsForDuplicateKeysInLongRecords() throws {
        let event = try wideEvent(keys: 200, duplicateEvery: 10)
        var counters = NormalizerCounters()
        let document = Fixtures.normalizer().normalize(event, counters: &counters)
        for index in stride(from: 0, to: 200, by: 10) {
            XCTAssertEqual(document["auditd.data.k\(index)"], .string("\(index)"), "k\(index)")
        }
        XCTAssertEqual(document["auditd.data.a0"], "1")
    }

    func testContainsDataAgreesWithHasDataAcrossTheIndexThreshold() {
        var facts = EventFacts(eventType: .syscall)
        for index in 0..<100 {
            facts.data.append(("k\(index)", "v"))
            XCTAssertTrue(facts.containsData("k\(index)"))
            XCTAssertFalse(facts.containsData("k\(index + 1)"))
        }
        facts.removeData("k50")
        XCTAssertFalse(facts.containsData("k50"))
        XCTAssertFalse(facts.hasData("k50"))
        facts.a0 = "x"
        XCTAssertTrue(facts.containsData("a0"))
    }
}
