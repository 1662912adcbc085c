@testable import Events
@testable import EventModel
import XCTest

/// The slot JSON writer against the document writer, on the cases where open fields decide the nesting.
final class SlotJSONTests: XCTestCase {
    private func assertSameJSON(_ slots: EventSlots, file: StaticString = #filePath, line: UInt = #line) {
        var writer = SlotJSONWriter()
        var fromSlots: [UInt8] = []
        writer.write(slots, to: &fromSlots)
        var fromDocument: [UInt8] = []
        JSONWriter.write(slots.document(), to: &fromDocument)
        XCTAssertEqual(String(decoding: fromSlots, as: UTF8.self), String(decoding: fromDocument, as: UTF8.self),
                       file: file, line: line)
    }

    private func slots(_ fields: [(String, FieldValue)]) -> EventSlots {
        var slots = EventSlots()
        for (name, value) in fields { slots.set(named: name, value) }
        return slots
    }

    func testFixedFieldsNestInFirstPresentOrder() {
        // process.entity_id (a late field) alone puts `process` after `host`; with process.pid it comes first.
        assertSameJSON(slots([("host.name", "h"), ("process.entity_id", "e"), ("event.kind", "event")]))
        assertSameJSON(slots([("host.name", "h"), ("process.entity_id", "e"), ("process.pid", .int(-42)),
                              ("user.Ext.real.id", "0"), ("user.id", "1000")]))
        assertSameJSON(EventSlots())
    }

    func testOpenLeavesOfFixedObjectsFollowTheFixedFields() {
        assertSameJSON(slots([("auditd.data.syscall", "execve"), ("auditd.data.fver", "2"), ("auditd.data.fp", "0"),
                              ("event.kind", "event")]))
        // The open field's parent has no fixed field set: the object appears where the open field adds it.
        assertSameJSON(slots([("event.kind", "event"), ("auditd.data.fver", "2"), ("tags", .array(["t"]))]))
    }

    func testOtherOpenFieldsTakeTheDocumentPath() {
        // A new object, a repeated name, a name that is a fixed object, a name with an empty component, quotes.
        assertSameJSON(slots([("auditd.user.selinux.user", "u"), ("auditd.user.audit.id", "0")]))
        assertSameJSON(slots([("auditd.data.x", "1"), ("auditd.data.x", "2"), ("auditd.data.y", "3")]))
        assertSameJSON(slots([("auditd.data.socket", "s"), ("auditd.data.socket.family", "unix")]))
        assertSameJSON(slots([("auditd.data..x", "1"), ("auditd.data.", "2"), ("user.\"q\".id", "3")]))
        assertSameJSON(slots((0..<80).map { ("auditd.data.k\($0)", FieldValue.string("\($0)")) }))
    }

    func testEscapesAndNumbersAreTheWritersOwn() {
        assertSameJSON(slots([("process.name", "a\"b\\c\u{1}\n"), ("process.pid", .int(Int64.min)),
                              ("process.parent.pid", .int(Int64.max)), ("auditd.data.odd\u{7}", "v")]))
    }
}
