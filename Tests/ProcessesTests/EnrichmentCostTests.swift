import EventModel
import Events
import Processes
import XCTest

/// Enrichment cost: prints events/s for a fork/exec/connect/exit mix (not an assertion on speed).
final class EnrichmentCostTests: XCTestCase {
    func testCostPerEvent() throws {
        var lines = AuditLines()
        for index in 0..<100 {
            let child = Int32(10_000 + index)
            lines.fork(pid: 900, ppid: 1, child: child, comm: "bash", exe: "/usr/bin/bash")
            lines.exec(pid: child, ppid: 900, comm: "curl", exe: "/usr/bin/curl", args: ["curl", "-s", "http://x/\(index)"])
            lines.connect(pid: child, ppid: 900, comm: "curl", exe: "/usr/bin/curl")
            lines.exitGroup(pid: child, ppid: 900, comm: "curl", exe: "/usr/bin/curl")
        }
        let events = lines.events
        let normalizer = Normalizer(host: HostInfo(id: "h", name: "h"), names: StaticNameLookup())
        let documents = events.map { normalizer.normalize($0) }
        var enricher = ProcessEnricher(source: AbsentProcSource(), scan: false)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for (event, document) in zip(events, documents) {
                var copy = document
                enricher.enrich(&copy, event: event)
            }
        }
        XCTAssertEqual(enricher.enriched, UInt64(events.count))
        XCTAssertEqual(enricher.table.counters.forks, 100)
        let nanos = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        print("enrichment: \(events.count) events, \(Int(nanos / Double(events.count))) ns/event, table \(enricher.table.count)")
    }
}
