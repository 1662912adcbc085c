@testable import AuditRecords
@testable import Detection
@testable import EventModel
@testable import Events
import PackageTestSupport
import Reassembler
import Rules
import XCTest

/// The normalizer writes only the parts of a document the loaded rules read (``NormalizerDemand``): the demand
/// follows every name a rule resolves, the parts written are the whole path's values, and the whole document is
/// built again, identical, when someone reads the event.
final class NormalizerDemandTests: XCTestCase {
    // MARK: what rules demand

    private func demand(_ query: String, index: [String] = ["logs-auditd_manager.auditd-*"],
                        exceptions: String? = nil) throws -> NormalizerDemand {
        let rule = try Fixtures.rule(id: "00000000-0000-4000-8000-00000000d001", query: query, index: index)
        guard let exceptions else { return RuleSet.compile([rule]).ruleSet.schema.demand }
        let lists = ExceptionLists.parse([("exceptions.ndjson", exceptions)])
        return RuleSet.compile([rule], exceptions: lists, attachToAllRules: lists.lists.keys.sorted()).ruleSet.schema.demand
    }

    func testTheDemandIsThePartsOfTheFieldsRulesRead() throws {
        // event.*, process.* and the process table's fields are always written: nothing more is needed.
        XCTAssertEqual(try demand(#"process where event.type == "start" and process.parent.name == "sshd""#), [])
        XCTAssertEqual(try demand(#"process where user.name == "root""#), .user)
        XCTAssertEqual(try demand(#"process where host.os.type == "linux" and user.id == "0""#), [.host, .user])
        XCTAssertEqual(try demand(#"network where destination.ip == "192.0.2.2""#), .network)
        XCTAssertEqual(try demand(#"process where auditd.data.a1 == "1""#), .data)
        XCTAssertEqual(try demand(#"process where auditd.data.some_key == "1""#), .data)  // an open field
        XCTAssertEqual(try demand(#"file where file.extension == "so""#), [.file, .paths])  // the table derives it
        XCTAssertEqual(try demand(#"any where auditd.summary.how == "x" and @timestamp != null"#), [.summary, .timestamp])
        XCTAssertEqual(try demand(#"sequence by user.name [process where true] [network where true]"#), .user)
    }

    func testExceptionEntriesAddTheFieldsTheyRead() throws {
        let list = #"{"list_id":"l","type":"detection","namespace_type":"single","name":"l","description":"d"}"#
        let item = #"{"list_id":"l","item_id":"i","type":"simple","namespace_type":"single","name":"i","description":"d","#
            + #""entries":[{"field":"file.path","operator":"included","type":"match","value":"/tmp/x"}]}"#
        XCTAssertEqual(try demand(#"process where process.name == "sh""#, exceptions: list + "\n" + item), .file)
    }

    func testDefendRulesDemandWhatTheirViewIsComputedFrom() throws {
        let defend = try demand(#"process where event.action == "exec""#, index: ["logs-endpoint.events.process-*"])
        XCTAssertTrue(defend.isSuperset(of: [.user, .file, .paths, .data]), "\(defend)")
    }

    // MARK: what is written

    /// Every event of every corpus log, normalized with each single part (and none) demanded: each field a rule
    /// demanding that part can read holds what the whole path writes, and the document built again from the event
    /// (``DocumentStage/document(of:)``) is the whole path's document.
    func testDemandedFieldsAndRebuiltDocumentsEqualTheWholePath() throws {
        let parts: [NormalizerDemand] = [[], .timestamp, .data, .paths, .summary, .auditdUser, .user, .file, .network,
                                         .host, .tags]
        var compared = 0
        for log in try ParityGoldenTests.logs() {
            var whole = DocumentStage(settings: ParityGoldenTests.settings, names: StaticNameLookup())
            var partial = parts.map { part -> DocumentStage in
                var stage = DocumentStage(settings: ParityGoldenTests.settings, names: StaticNameLookup())
                stage.demand = part
                return stage
            }
            func check(_ events: [AuditEvent]) {
                for event in events {
                    let expected = whole.enriched(event)
                    for index in parts.indices {
                        let got = partial[index].enriched(event)
                        guard let expected, let got else {
                            XCTAssertEqual(expected == nil, got == nil, "\(log.name) event \(event.serial)")
                            continue
                        }
                        compared += 1
                        for field in ECSField.allCases
                        where NormalizerDemand.reading(field).isSubset(of: parts[index])
                            && got.slots[field] != expected.slots[field] {
                            XCTFail("\(log.name) event \(event.serial), demand \(parts[index]): \(field.name) is "
                                    + "\(got.slots[field]), whole path \(expected.slots[field])")
                        }
                        let demandedExtras = { (slots: EventSlots) in
                            slots.extras.filter { NormalizerDemand.reading(fieldNamed: $0.name).isSubset(of: parts[index]) }
                                .map { "\($0.name)=\($0.value)" }
                        }
                        XCTAssertEqual(demandedExtras(got.slots), demandedExtras(expected.slots), log.name)
                        if index == 0 || index == parts.count - 1 {  // rebuilding is the same for every part
                            XCTAssertEqual(partial[index].document(of: got), expected.document,
                                           "\(log.name) event \(event.serial)")
                        }
                    }
                }
            }
            try ParityGoldenTests.withDescriptor(log.text) { descriptor in
                var reader = LogRecordReader(descriptor: descriptor)
                while let parsed = reader.next() {
                    guard case .success(let record) = parsed else { continue }
                    let events = whole.add(record, now: reader.now)
                    for index in partial.indices { _ = partial[index].add(record, now: reader.now) }
                    check(events)
                }
            }
            let rest = whole.finish()
            for index in partial.indices { _ = partial[index].finish() }
            check(rest)
        }
        XCTAssertGreaterThan(compared, 10_000)
    }
}
