@testable import Alerting
@testable import AuditRecords
@testable import Detection
@testable import EventModel
@testable import Events
@testable import Processes
@testable import Rules
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// clone3 hides its flags in a struct, so the process table asks `/proc` whether the new task is a thread
/// (`Tgid` ≠ pid); when it is already gone, the call counts as a fork as before.
final class CloneThreadTests: XCTestCase {
    /// `python3` (600) starts a thread (601, still in /proc as a thread of 600), spawns a process (602, its own
    /// thread group) and one that is already gone (603), all with clone3.
    private func scenario() -> (proc: FakeProcSource, lines: AuditLines) {
        let proc = FakeProcSource()
        proc.threadGroups = [601: 600, 602: 602]
        var lines = AuditLines()
        lines.exec(pid: 600, ppid: 1, comm: "python3", exe: "/usr/bin/python3", args: ["python3", "worker.py"])
        for child: Int32 in [601, 602, 603] {
            lines.syscall(435, pid: 600, ppid: 1, exit: Int64(child), a0: "7ffd8000", comm: "python3",
                          exe: "/usr/bin/python3")
        }
        return (proc, lines)
    }

    func testClone3ThreadMakesNoProcessAndGoneChildrenCountAsForks() throws {
        let (proc, lines) = scenario()
        var enricher = ProcessEnricher(source: proc, scan: false)
        let normalizer = Normalizer(host: HostInfo(id: "h", name: "h"), names: StaticNameLookup())
        var outcomes: [ForkOutcome?] = []
        for event in lines.events {
            var document = normalizer.normalize(event)
            outcomes.append(enricher.enrich(&document, event: event))
            XCTAssertEqual(document["process.pid"], 600, "the document describes the caller")
        }
        let table = enricher.table
        XCTAssertEqual(outcomes.count, 4)
        XCTAssertNil(outcomes[0], "an exec creates nothing")
        XCTAssertEqual(outcomes[1], .thread)
        XCTAssertEqual(outcomes[2], .process(pid: 602, entityID: try XCTUnwrap(table.instance(pid: 602)?.entityID)))
        XCTAssertEqual(outcomes[3], .process(pid: 603, entityID: try XCTUnwrap(table.instance(pid: 603)?.entityID)))
        XCTAssertNil(table.instance(pid: 601))
        XCTAssertEqual(table.counters.threads, 1)
        XCTAssertEqual(table.counters.forks, 2)
        XCTAssertEqual(table.instance(pid: 602)?.parentEntityID, table.instance(pid: 600)?.entityID)
    }

    /// `Tgid` read from a procfs-shaped tree: a thread's differs from its id; a missing task is unknown.
    func testLiveSourceReadsTheThreadGroupFromStatus() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("auspex-tgid-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        for (task, group) in [(700, 699), (701, 701)] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(task)", withIntermediateDirectories: true)
            try "Name:\tpython3\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t\(group)\nNgid:\t0\nPid:\t\(task)\n"
                .write(toFile: "\(root)/\(task)/status", atomically: true, encoding: .utf8)
        }
        let source = LiveProcSource(root: root)
        XCTAssertEqual(source.threadGroupID(of: 700), 699)
        XCTAssertEqual(source.threadGroupID(of: 701), 701)
        XCTAssertNil(source.threadGroupID(of: 702))
    }

    /// The Defend view follows the table: only the clone3 calls that made a process are `fork` events.
    func testDefendForkEventsSkipClone3Threads() throws {
        let (proc, lines) = scenario()
        let rule = LoadedRuleFixture.rule(query: #"process where event.action == "fork" and event.type == "start""#)
        let (ruleSet, diagnostics) = RuleSet.compile([rule])
        XCTAssertEqual(diagnostics.filter { $0.severity == .error }, [])
        var settings = PipelineSettings(host: HostInfo(id: "h", name: "h"))
        settings.processSource = ProcView(source: proc, scan: false)
        var pipeline = DetectionPipeline(ruleSet: ruleSet, settings: settings, names: StaticNameLookup())
        var alerts: [Alert] = []
        for line in lines.text.split(separator: "\n") {
            guard case .success(let record) = AuditParser.parseLogLine(Array(line.utf8)) else { continue }
            pipeline.add(record, now: record.timestamp.nanosecondsSinceEpoch, into: &alerts)
        }
        pipeline.finish(into: &alerts)
        XCTAssertEqual(alerts.map { $0.events[0]["process.pid"] }, [602, 603])
        XCTAssertEqual(alerts.map { $0.events[0]["process.parent.pid"] }, [600, 600])
    }
}
