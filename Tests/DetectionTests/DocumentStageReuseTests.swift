@testable import AuditRecords
@testable import Detection
import DetectionTestSupport
@testable import EventModel
@testable import Events
import PackageTestSupport
@testable import Reassembler
import XCTest

/// ``DocumentStage/enrich(_:into:)`` rewrites one event in place (the pipeline's hot path): each result equals what
/// a new event from ``DocumentStage/enriched(_:)`` holds, and a copy taken before the next event (a rule keeping the
/// event) keeps its own values, fork outcome included.
final class DocumentStageReuseTests: XCTestCase {
    private typealias Log = AuditLogText

    /// `bash -i` (500) forks 501, which runs `id`, then an exec fails: events of several shapes in a row.
    private func events() -> [AuditEvent] {
        var log = Log()
        log.syscall(Log.execve, pid: 500, ppid: 400, comm: "bash", exe: "/usr/bin/bash", argv: ["bash", "-i"],
                    paths: [("/usr/bin/bash", "NORMAL", "0100755")])
        log.syscall(Log.clone, exit: 501, args: ["1200011", "0", "0", "7f00aa"], pid: 500, ppid: 400, comm: "bash",
                    exe: "/usr/bin/bash")
        log.syscall(Log.execve, pid: 501, ppid: 500, comm: "id", exe: "/usr/bin/id", argv: ["id"],
                    paths: [("/usr/bin/id", "NORMAL", "0100755")])
        log.syscall(Log.execve, success: false, exit: -2, pid: 501, ppid: 500, comm: "id", exe: "/usr/bin/id",
                    paths: [("/opt/nc", "UNKNOWN", "0")])
        var stage = DocumentStage(settings: Self.settings, names: StaticNameLookup())
        var events: [AuditEvent] = []
        for line in log.text.split(separator: "\n") {
            guard case .success(let record) = AuditParser.parseLogLine(Array(line.utf8)) else { continue }
            events += stage.add(record, now: record.timestamp.nanosecondsSinceEpoch)
        }
        return events + stage.finish()
    }

    private static let settings = PipelineSettings(host: HostInfo(id: "test-host", name: "vm"))

    func testEnrichingInPlaceEqualsEnrichingAnewAndCopiesKeepTheirEvent() throws {
        let events = events()
        XCTAssertEqual(events.count, 4)
        var fresh = DocumentStage(settings: Self.settings, names: StaticNameLookup())
        var reusing = DocumentStage(settings: Self.settings, names: StaticNameLookup())
        var current = EnrichedEvent(slots: EventSlots(document: Document()))
        var kept: [EnrichedEvent] = []
        var expected: [EnrichedEvent] = []
        for event in events {
            let anew = try XCTUnwrap(fresh.enriched(event))
            XCTAssertTrue(reusing.enrich(event, into: &current))
            XCTAssertEqual(current.document, anew.document)
            XCTAssertEqual(current.fork, anew.fork)
            kept.append(current)
            expected.append(anew)
        }
        XCTAssertEqual(expected.compactMap(\.fork).count, 1, "the clone's outcome, on that event alone")
        for (copy, original) in zip(kept, expected) {
            XCTAssertEqual(copy.document, original.document, "a copy keeps its event when the next is written")
            XCTAssertEqual(copy.fork, original.fork)
        }
        XCTAssertEqual(reusing.counters, fresh.counters)
        XCTAssertEqual(reusing.processes.counters, fresh.processes.counters)
    }
}
