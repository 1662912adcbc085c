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
        let kept = slots

        slots.clear()
        XCTAssertTrue(slots.values.allSatisfy(\.isNull), "every slot is empty after clear")
        XCTAssertTrue(slots.isEmpty)
        XCTAssertEqual(slots.values.count, kept.values.count, "the storage is kept")
        XCTAssertEqual(kept[.processEntityId], .string("process.entity_id"), "a copy keeps its values")
        XCTAssertEqual(kept[slot: kept.values.count - 1], .int(Int64(kept.values.count - 1)))

        // Cleared twice, and written again in between: the second clear forgets what the first one cleared.
        slots[.processName] = "bash"
        slots.clear()
        XCTAssertTrue(slots.values.allSatisfy(\.isNull))
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
