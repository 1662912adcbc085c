@testable import AuditRecords
@testable import Detection
@testable import EventModel
@testable import Events
import PackageTestSupport
@testable import Reassembler
@testable import Rules
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
        XCTAssertEqual(try demand(#"process where user.name == "root""#), [.user, .userNames])
        XCTAssertEqual(try demand(#"process where host.os.type == "linux" and user.id == "0""#), [.host, .user])
        XCTAssertEqual(try demand(#"network where destination.ip == "192.0.2.2""#), .network)
        XCTAssertEqual(try demand(#"process where auditd.data.a1 == "1""#), .arguments)
        XCTAssertEqual(try demand(#"process where auditd.data.exit == "1" and process.title : "x*""#), [.data, .title])
        XCTAssertEqual(try demand(#"process where auditd.data.some_key == "1""#), .data)  // an open field
        XCTAssertEqual(try demand(#"file where file.extension == "so""#), [.file, .fileOperationPaths])  // the table's
        XCTAssertEqual(try demand(#"any where auditd.summary.how == "x" and @timestamp != null"#), [.summary, .timestamp])
        XCTAssertEqual(try demand(#"sequence by user.name [process where true] [network where true]"#),
                       [.user, .userNames])
        XCTAssertEqual(try demand(#"sequence by event.sequence, auditd.session [any where true] [any where true]"#),
                       .record)
        XCTAssertEqual(try demand(#"any where event.module == "auditd" and ecs.version != null"#), .constants)
    }

    func testExceptionEntriesAddTheFieldsTheyRead() throws {
        let list = #"{"list_id":"l","type":"detection","namespace_type":"single","name":"l","description":"d"}"#
        let item = #"{"list_id":"l","item_id":"i","type":"simple","namespace_type":"single","name":"i","description":"d","#
            + #""entries":[{"field":"file.path","operator":"included","type":"match","value":"/tmp/x"}]}"#
        XCTAssertEqual(try demand(#"process where process.name == "sh""#, exceptions: list + "\n" + item), .file)
    }

    func testDefendRulesDemandWhatTheirViewIsComputedFrom() throws {
        let defend = try demand(#"process where event.action == "exec""#, index: ["logs-endpoint.events.process-*"])
        XCTAssertEqual(defend, [.arguments, .fileOperationPaths])
        let defendFile = try demand(#"file where file.path == "/etc/x" and user.id == "0""#,
                                    index: ["logs-endpoint.events.file-*"])
        XCTAssertEqual(defendFile, [.fileOperationPaths, .file, .user])
        let defendParent = try demand(#"process where process.parent.name == "sshd""#, index: ["logs-endpoint.events.*"])
        XCTAssertEqual(defendParent, [])
    }

    /// Values over the length limit are counted as cut whether or not the demand has them decoded.
    func testUndecodedValuesOverTheLimitAreStillCounted() throws {
        let long = String(repeating: "41", count: 40_000)  // hex: 40,000 bytes decoded
        let padded = String(repeating: "41", count: 35_000) + String(repeating: "00", count: 5_000)  // 35,000 kept
        let short = String(repeating: "41", count: 20_000) + String(repeating: "00", count: 20_000)  // 20,000 kept
        func syscall(_ serial: Int, _ extra: String = "") -> String {
            "type=SYSCALL msg=audit(1700000000.000:\(serial)): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 "
                + "a2=3 a3=4 items=1 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
                + "tty=pts0 ses=1 comm=\"x\" exe=\"/bin/x\"" + extra
        }
        let lines = [
            syscall(7, " key=" + long),
            "type=PATH msg=audit(1700000000.000:7): item=0 name=\(long) inode=1 dev=00:01 mode=0100755 ouid=0 ogid=0",
            "type=PROCTITLE msg=audit(1700000000.000:7): proctitle=\(long)",
            "type=BPRM_FCAPS msg=audit(1700000000.000:7): fver=0 fp=\(long)",
            syscall(8),
            "type=PROCTITLE msg=audit(1700000000.000:8): proctitle=\(padded)",
            syscall(9),
            "type=PROCTITLE msg=audit(1700000000.000:9): proctitle=\(short)",
        ]
        var reassembler = Reassembler(maxInFlight: 8, timeoutNanoseconds: 1)
        var events: [AuditEvent] = []
        for line in lines {
            guard case .success(let record) = AuditParser.parseLogLine(Array(line.utf8)) else {
                return XCTFail("fixture line does not parse: \(line.prefix(80))")
            }
            events += reassembler.push(record, now: 0)
        }
        events += reassembler.finish()
        XCTAssertEqual(events.count, 3)
        let normalizer = Normalizer(host: HostInfo(id: "h", name: "h"), names: StaticNameLookup(),
                                    limits: Normalizer.Limits(maxValueBytes: 30_000))
        var whole = NormalizerCounters()
        var partial = NormalizerCounters()
        for event in events {
            _ = normalizer.normalize(event, counters: &whole)
            _ = normalizer.normalize(event, demand: [], counters: &partial)
        }
        XCTAssertEqual(whole.truncatedValues, 5, "key, path name, proctitle, fp and the padded proctitle")
        XCTAssertEqual(partial, whole)
    }

    // MARK: what is written

    /// Every event of every corpus log, normalized with each single part (and none) demanded: each field a rule
    /// demanding that part can read holds what the whole path writes, and the document built again from the event
    /// (``DocumentStage/document(of:)``) is the whole path's document.
    func testDemandedFieldsAndRebuiltDocumentsEqualTheWholePath() throws {
        // Each part alone, then the pairs some fields need together (the table's file fields, the user names).
        let parts: [NormalizerDemand] = [[], .timestamp, .data, .arguments, .title, .paths, .fileOperationPaths,
                                         .summary, .auditdUser, .user, .file, .network, .host, .tags, .constants, .record,
                                         .userNames, [.file, .fileOperationPaths], [.user, .userNames]]
        var fileOperations = 0
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
                        if parts[index] == .fileOperationPaths,
                           DefendVocabulary.readsPaths(ofSyscall: expected.slots[.auditdDataSyscall].stringValue) {
                            fileOperations += 1
                            XCTAssertEqual(got.slots[.auditdPaths], expected.slots[.auditdPaths], log.name)
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
            for stage in partial {  // values left undecoded are still counted
                XCTAssertEqual(stage.normalizerCounters, whole.normalizerCounters, log.name)
            }
        }
        XCTAssertGreaterThan(compared, 10_000)
        XCTAssertGreaterThan(fileOperations, 0)
    }
}
