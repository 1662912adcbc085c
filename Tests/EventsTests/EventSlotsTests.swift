@testable import EventModel
@testable import Events
import XCTest

/// ``EventSlots/clear()`` visits only the slots written since the last clear (and every schema slot): whatever the
/// way a slot was written, a cleared array holds no value, and a copy made before keeps its own.
final class EventSlotsTests: XCTestCase {
    func testClearEmptiesEverySlotWhicheverWayItWasWritten() {
        let schemaSlots = EventSlots.trackedSlots + 20 - EventSlots.fixedCount  // some above the tracked range
        var slots = EventSlots(slotCount: EventSlots.fixedCount + schemaSlots)
        slots.extend(toSlotCount: EventSlots.fixedCount + schemaSlots + 3)
        for field in ECSField.allCases { slots[field] = .string(field.name) }
        for slot in EventSlots.fixedCount..<slots.values.count { slots[slot: slot] = .int(Int64(slot)) }
        slots.set(named: "auditd.data.unusual", "open")
        slots.syscallIdentity = SyscallIdentity()
        let kept = slots

        slots.clear()
        XCTAssertTrue(slots.values.allSatisfy(\.isNull), "every slot is empty after clear")
        XCTAssertTrue(slots.isEmpty)
        XCTAssertNil(slots.syscallIdentity)
        XCTAssertEqual(slots.values.count, kept.values.count, "the storage is kept")
        XCTAssertEqual(kept[.processEntityId], .string("process.entity_id"), "a copy keeps its values")
        XCTAssertEqual(kept[slot: kept.values.count - 1], .int(Int64(kept.values.count - 1)))

        // Cleared twice, and written again in between: the second clear forgets what the first one cleared.
        slots[.processName] = "bash"
        slots.clear()
        XCTAssertTrue(slots.values.allSatisfy(\.isNull))
    }

    func testTheSyscallIdentityIsSetReplacedAndClearedAndACopyKeepsItsOwn() {
        var slots = EventSlots()
        XCTAssertNil(slots.syscallIdentity)
        var identity = SyscallIdentity()
        identity.pid = 42
        identity.setText(of: .uid, "1000")
        slots.syscallIdentity = identity
        XCTAssertEqual(slots.syscallIdentity, identity)
        identity.pid = 43
        slots.syscallIdentity = identity  // replaced, not added
        XCTAssertEqual(slots.syscallIdentity?.pid, 43)
        let kept = slots
        slots.clear()
        XCTAssertNil(slots.syscallIdentity)
        XCTAssertEqual(kept.syscallIdentity, identity, "a copy made before the clear keeps its identity")
        slots.syscallIdentity = identity
        slots.syscallIdentity = nil
        XCTAssertNil(slots.syscallIdentity)
        XCTAssertEqual(kept.syscallIdentity?.userID, "1000")
    }

    func testTheSyscallIdentityTakenInPlaceLeavesNoneAndACopyKeepsItsOwn() {
        var slots = EventSlots()
        XCTAssertNil(slots.takeSyscallIdentity(), "nothing to take")
        XCTAssertNil(slots.syscallIdentity)
        var identity = SyscallIdentity()
        identity.pid = 42
        identity.setText(of: .uid, "1000")
        slots.syscallIdentity = identity
        let kept = slots
        XCTAssertEqual(slots.takeSyscallIdentity(), identity)
        XCTAssertNil(slots.syscallIdentity, "taken, not copied")
        XCTAssertEqual(kept.syscallIdentity, identity, "a copy made before the take keeps its identity")
        slots.syscallIdentity = identity
        slots.syscallIdentity?.pid = 43  // changed in place: still one identity
        XCTAssertEqual(slots.syscallIdentity?.pid, 43)
        XCTAssertEqual(slots.syscallIdentity?.userID, "1000")
        slots.clear()
        XCTAssertNil(slots.syscallIdentity)
    }

    func testWriterOverwritesWhateverASlotHeld() {
        var slots = EventSlots()
        slots[.processName] = "bash"
        slots[.processPid] = 7
        slots.withWriter { writer in
            writer.set(.processName, "zsh")  // over a string
            writer.set(.processPid, "text")  // over a number
            writer.set(.processExecutable, .array(["a"]))  // over nothing
        }
        XCTAssertEqual(slots[.processName], "zsh")
        XCTAssertEqual(slots[.processPid], "text")
        XCTAssertEqual(slots[.processExecutable], .array(["a"]))
        slots.clear()
        XCTAssertTrue(slots.isEmpty, "the writer's writes are cleared too")
    }

    func testTheFixedFieldsFitTheTrackedSlots() {
        // Not a correctness condition (clear visits untracked slots one by one), but the reason it is cheap.
        XCTAssertLessThanOrEqual(EventSlots.fixedCount, EventSlots.trackedSlots)
    }
}
