@testable import EventModel
@testable import Events
@testable import Processes
import XCTest

/// The pipeline's hot path reuses one slots array: ``EventSlots/clear(holdingEnrichment:)`` leaves the last
/// enrichment's fields in place for the next enrichment to keep or replace. Each event's document must be what
/// fresh slots give, and a copy a rule kept (a pending sequence stage) must keep its own event's values however
/// the table changed since.
final class HeldEnrichmentTests: XCTestCase {
    func testReusedSlotsGiveTheDocumentsOfFreshOnesAndKeptCopiesKeepTheirOwn() {
        var lines = AuditLines()
        lines.fork(pid: 900, ppid: 1, child: 1001, comm: "bash", exe: "/usr/bin/bash")
        lines.exec(pid: 1001, ppid: 900, comm: "curl", exe: "/usr/bin/curl", args: ["curl", "-s", "http://x/1"])
        lines.connect(pid: 1001, ppid: 900, comm: "curl", exe: "/usr/bin/curl")
        lines.connect(pid: 1001, ppid: 900, comm: "curl", exe: "/usr/bin/curl")  // the same fields again
        lines.setsid(pid: 1001, ppid: 900, comm: "curl", exe: "/usr/bin/curl")  // new leaders
        lines.connect(pid: 1001, ppid: 900, comm: "curl", exe: "/usr/bin/curl", uid: 1000)  // new ids
        lines.exec(pid: 1001, ppid: 900, comm: "wget", exe: "/usr/bin/wget", args: ["wget", "http://y/"])  // new image
        lines.connect(pid: 1001, ppid: 900, comm: "wget", exe: "/usr/bin/wget", uid: 1000)
        lines.connect(pid: 4242, ppid: 4241, comm: "orphan", exe: "/usr/bin/orphan")  // no parent: fewer fields
        lines.exec(pid: 4242, ppid: 4241, comm: "orphan", exe: "/usr/bin/orphan", args: ["orphan"], tty: "(none)")
        lines.exitGroup(pid: 1001, ppid: 900, comm: "wget", exe: "/usr/bin/wget")
        lines.connect(pid: 900, ppid: 1, comm: "bash", exe: "/usr/bin/bash")
        lines.connect(pid: 900, ppid: 1, comm: "bash", exe: "/usr/bin/bash")
        lines.connect(pid: 1002, ppid: 900, comm: "sleep", exe: "/usr/bin/sleep")  // learnt late, parent known
        lines.connect(pid: 1002, ppid: 900, comm: "sleep", exe: "/usr/bin/sleep")
        lines.connect(pid: 1002, ppid: 1, comm: "sleep", exe: "/usr/bin/sleep")  // reparented: other parent fields
        lines.connect(pid: 1002, ppid: 1, comm: "sleep", exe: "/usr/bin/sleep")
        var events = lines.events
        // No process: nothing enriched, nothing held shows.
        events.insert(contentsOf: Samples.events(fromText: "type=CONFIG_CHANGE msg=audit(1700000000.012:900): "
                                                     + "auid=1000 ses=3 op=add_rule key=\"k\" list=4 res=1\n"), at: 12)
        XCTAssertEqual(events.count, 18)

        var fresh = EnrichmentRun()
        fresh.run(events)

        var normalizer = Normalizer(host: HostInfo(id: "test-host", name: "test"), names: StaticNameLookup())
        var enricher = ProcessEnricher(source: AbsentProcSource(), scan: false)
        var slots = EventSlots()
        var kept: [(index: Int, slots: EventSlots)] = []
        var counters = NormalizerCounters()
        for (index, event) in events.enumerated() {
            slots.clear(holdingEnrichment: true)
            // The pipeline's way: the normalizer's SYSCALL identity handed to the table (the fresh run scans).
            var identity: SyscallIdentity?
            slots = normalizer.normalize(event, into: slots, identity: &identity, counters: &counters)
            if slots.isEmpty { slots.releaseHeld() } else { enricher.enrich(&slots, event: event, identity: identity) }
            XCTAssertEqual(slots.document(), fresh.documents[index], "event \(index) as fresh slots give it")
            if index % 3 != 2 { kept.append((index, slots)) }  // kept by a rule: the next write copies the storage
        }
        for (index, copy) in kept {
            XCTAssertEqual(copy.document(), fresh.documents[index], "kept event \(index) shows its own values")
        }
        // The fields really changed along the way (else the test proves nothing about stale values).
        XCTAssertNotEqual(fresh.documents[2]["process.command_line"], fresh.documents[7]["process.command_line"])
        XCTAssertNotEqual(fresh.documents[3]["process.session_leader.pid"], fresh.documents[5]["process.session_leader.pid"])
        XCTAssertNotNil(fresh.documents[7]["process.parent.name"])
        XCTAssertNil(fresh.documents[8]["process.parent.name"])
        XCTAssertNil(fresh.documents[12]["process.entity_id"])
        XCTAssertNotEqual(fresh.documents[15]["process.parent.entity_id"], fresh.documents[16]["process.parent.entity_id"])
    }

    func testHeldSlotsReadAsUnsetAndAreKeptOnlyWhenWrittenAgainIdentically() {
        var slots = EventSlots()
        let text = String(repeating: "x", count: 40)  // not a small string: identity is its storage
        slots.withWriter { writer in
            writer.set(.processEntityId, .string(text))
            writer.set(.processParentName, "bash")
            writer.set(.processArgsCount, 3)
        }
        slots[.processName] = "curl"  // a normalizer field: cleared as always
        let copy = slots
        slots.clear(holdingEnrichment: true)
        XCTAssertTrue(slots.isEmpty, "held fields are not set")
        XCTAssertNil(slots[.processName].stringValue)
        slots[.processPid] = 7
        XCTAssertFalse(slots.isEmpty)
        let rewritten = String(repeating: "x", count: 40)  // equal text, other storage: written again
        slots.withWriter { writer in
            XCTAssertFalse(writer.isSet(.processEntityId), "held reads as unset")
            XCTAssertTrue(writer.keepsHeld(.processParentName, string: "bash"))
            XCTAssertFalse(writer.keepsHeld(.processEntityId, string: rewritten))
            writer.set(.processEntityId, .string(rewritten))
            XCTAssertFalse(writer.keepsHeld(.processEntityId, value: .string(rewritten)), "no longer held once written")
        }
        slots.releaseHeld()  // args_count was not written again
        XCTAssertEqual(slots[.processParentName], "bash")
        XCTAssertEqual(slots[.processEntityId], .string(rewritten))
        XCTAssertTrue(slots[.processArgsCount].isNull)
        XCTAssertEqual(copy[.processArgsCount], 3, "a copy made before keeps its values")
        XCTAssertEqual(copy[.processName], "curl")
        slots.clear()
        XCTAssertTrue(slots.values.allSatisfy(\.isNull))
    }

    func testTheHeldFieldsAreTheProcessTablesOwnAndFitOneWord() {
        XCTAssertEqual(EventSlots.heldRange.lowerBound, ECSField.firstProcessTableField.rawValue)
        XCTAssertLessThanOrEqual(EventSlots.heldRange.count, 64)
        XCTAssertTrue((64..<128).contains(EventSlots.heldRange.lowerBound), "clear(holdingEnrichment:) masks words 1, 2")
        XCTAssertTrue((128..<192).contains(EventSlots.heldRange.upperBound))
        for field in ProcessEnricher.sharedFields { XCTAssertEqual(EventSlots.heldBit(field.rawValue), 0) }
        XCTAssertEqual(EventSlots.heldBit(ECSField.fileName.rawValue), 0, "FileFields writes through the subscript")
    }
}
