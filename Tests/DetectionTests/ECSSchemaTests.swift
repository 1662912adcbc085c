@testable import Detection
@testable import EQL
@testable import EventModel
@testable import Events
import XCTest

final class ECSSchemaTests: XCTestCase {
    func testCatalogFieldsHaveDistinctSlotsAndUnknownFieldsHaveNone() {
        let builder = ECSSchemaBuilder()
        let schema = builder.schema(for: .auditd)
        var seen = Set<Int>()
        for field in ECSCatalog.fields {
            guard let slot = schema.slot(for: field) else { return XCTFail("\(field) has no slot") }
            XCTAssertTrue(seen.insert(slot).inserted, "\(field) shares slot \(slot)")
        }
        XCTAssertNotNil(schema.slot(for: "process.entity_id"), "the process table (Processes) fills it")
        XCTAssertNil(schema.slot(for: "dns.question.name"))
        XCTAssertNil(schema.slot(for: "auditd.data."), "an open prefix alone is not a field")
    }

    func testOpenPrefixFieldsGetSlotsOnDemandAndKeepThem() {
        let builder = ECSSchemaBuilder()
        let schema = builder.schema(for: .auditd)
        let acct = schema.slot(for: "auditd.data.acct")
        XCTAssertNotNil(acct)
        XCTAssertEqual(schema.slot(for: "auditd.data.acct"), acct)
        XCTAssertGreaterThanOrEqual(acct ?? 0, EventSlots.fixedCount, "open fields come after the fixed ones")
        XCTAssertEqual(schema.slot(for: "auditd.data.a1"), ECSField.auditdDataA1.rawValue, "fixed field n, slot n")
        let frozen = builder.freeze()
        XCTAssertEqual(frozen.slot(for: "auditd.data.acct"), acct)
        XCTAssertNil(frozen.slot(for: "auditd.data.terminal"), "never asked for, so events skip it")
    }

    func testDocumentBecomesSlotEventInOnePass() {
        let builder = ECSSchemaBuilder()
        _ = builder.schema(for: .auditd).slot(for: "auditd.data.acct")
        let schema = builder.freeze()
        var document = Document()
        document.append("process.pid", 4300)
        document.append("process.args", ["python3", "-c", "x"])
        document.append("auditd.data.a1", "80002")
        document.append("auditd.data.acct", "root")
        document.append("auditd.data.terminal", "0")    // no slot: skipped
        document.append("something.unknown", "value")   // not in the catalog: skipped
        let event = schema.slotEvent(from: document, timestamp: 5, tiebreaker: 7, ordinal: 9)
        XCTAssertEqual(event[schema.slot(for: "process.pid")!], 4300)
        XCTAssertEqual(event[schema.slot(for: "process.args")!], ["python3", "-c", "x"])
        XCTAssertEqual(event[schema.slot(for: "auditd.data.a1")!], "80002")
        XCTAssertEqual(event[schema.slot(for: "auditd.data.acct")!], "root")
        XCTAssertEqual(event[schema.slot(for: "process.name")!], .null)
        XCTAssertEqual(event.values.count, schema.slotCount)
        XCTAssertEqual(event.timestamp, 5)
        XCTAssertEqual(event.tiebreaker, 7)
        XCTAssertEqual(event.ordinal, 9)
    }

    func testDefendViewSeesEffectiveUserAndDefendActions() throws {
        let builder = ECSSchemaBuilder()
        let defendUser = try XCTUnwrap(builder.schema(for: .defend).slot(for: "user.id"))
        let defendAction = try XCTUnwrap(builder.schema(for: .defend).slot(for: "event.action"))
        let auditUser = try XCTUnwrap(builder.schema(for: .auditd).slot(for: "user.id"))
        XCTAssertNotEqual(defendUser, auditUser, "the two conventions read different values")
        let schema = builder.freeze()

        var setuidRoot = Document()
        setuidRoot.append("event.action", "executed")
        setuidRoot.append("event.outcome", "success")
        setuidRoot.append("user.id", "1000")
        setuidRoot.append("user.effective.id", "0")
        var event = schema.slotEvent(from: setuidRoot, timestamp: 0, ordinal: 0)
        XCTAssertEqual(event[auditUser], "1000", "auditd_manager: user.id is the real uid")
        XCTAssertEqual(event[defendUser], "0", "Defend: user.id is the effective uid")
        XCTAssertEqual(event[defendAction], "exec")

        var setsid = Document()
        setsid.append("event.outcome", "success")
        setsid.append("auditd.data.syscall", "setsid")
        setsid.append("user.id", "0") // euid == uid: the normalizer drops user.effective.*
        event = schema.slotEvent(from: setsid, timestamp: 0, ordinal: 1)
        XCTAssertEqual(event[defendUser], "0")
        XCTAssertEqual(event[defendAction], "session_id_change")
    }

    func testIndexPatternsChooseTheView() {
        XCTAssertEqual(SourceView(indexPatterns: ["logs-endpoint.events.*"]), .defend)
        XCTAssertEqual(SourceView(indexPatterns: ["auditbeat-*", "logs-endpoint.events.process*"]), .auditd)
        XCTAssertEqual(SourceView(indexPatterns: ["logs-auditd_manager.auditd-*"]), .auditd)
        XCTAssertEqual(SourceView(indexPatterns: []), .auditd)
    }
}

final class EventSlotsTests: XCTestCase {
    /// The normalizer writes fixed fields by slot and open fields by name; completing them for a schema gives the
    /// same slot event as placing the document's fields by name, whatever the fields' order.
    func testCompletedSlotsEqualTheDocumentPlacedByName() {
        let builder = ECSSchemaBuilder()
        _ = builder.schema(for: .auditd).slot(for: "auditd.data.acct")
        _ = builder.schema(for: .defend).slot(for: "user.id")
        let schema = builder.freeze()
        var first = Document()
        first.append("process.pid", 1)
        first.append("auditd.data.acct", "root")
        first.append("user.id", "1000")
        var reordered = Document()
        reordered.append("auditd.data.acct", "nobody")
        reordered.append("user.id", "0")
        reordered.append("process.name", "sh")
        reordered.append("auditd.data.a1", "802")
        reordered.append("event.outcome", "success")
        for document in [first, reordered, Document()] {
            var slots = EventSlots(slotCount: schema.slotCount)
            for field in document.fields.reversed() { slots.set(named: field.name, field.value) }
            schema.complete(&slots, fork: nil)
            let direct = schema.slotEvent(from: document, timestamp: 1, ordinal: 2)
            XCTAssertEqual(slots.values, direct.values)
            XCTAssertEqual(Set(slots.document().fields.map(\.name)), Set(document.fields.map(\.name)))
        }
    }

    /// Every fixed field's name is its case's name in camel case (the two lists cannot drift apart).
    func testEveryFixedFieldIsNamedAfterItsCase() {
        for field in ECSField.allCases {
            let words = field.name.split(whereSeparator: { $0 == "." || $0 == "_" || $0 == "@" })
            let camel = words.enumerated().map { $0.offset == 0 ? String($0.element)
                : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
            XCTAssertEqual(camel, String(describing: field), field.name)
            XCTAssertEqual(ECSField(name: field.name), field)
        }
        XCTAssertEqual(Set(ECSField.allCases.map(\.name)).count, ECSField.allCases.count)
    }
}
