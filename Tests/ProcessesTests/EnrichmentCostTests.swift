@testable import EventModel
@testable import Events
@testable import Processes
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Enrichment cost: prints events/s for a fork/exec/connect/exit mix (not an assertion on speed).
final class EnrichmentCostTests: XCTestCase {
    func testCostPerEvent() throws {
        #if DEBUG
        let processes = 100  // keeps the debug suite fast; the figure is meaningful in release builds
        #else
        let processes = 5000
        #endif
        var lines = AuditLines()
        for index in 0..<processes {
            let child = Int32(10_000 + index)
            lines.fork(pid: 900, ppid: 1, child: child, comm: "bash", exe: "/usr/bin/bash")
            lines.exec(pid: child, ppid: 900, comm: "curl", exe: "/usr/bin/curl", args: ["curl", "-s", "http://x/\(index)"])
            lines.connect(pid: child, ppid: 900, comm: "curl", exe: "/usr/bin/curl")
            lines.exitGroup(pid: child, ppid: 900, comm: "curl", exe: "/usr/bin/curl")
        }
        let events = lines.events
        // Thread CPU time, not wall time: the machine is shared, and waiting for a core is not enrichment cost.
        func cpuNanos() -> Int64 {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
        }
        let normalizer = Normalizer(host: HostInfo(id: "h", name: "h"), names: StaticNameLookup())
        let normalizeStarted = cpuNanos()
        var documents = events.map { normalizer.normalize($0) }  // enriched in place, as in the pipeline
        let normalizeNanos = Double(cpuNanos() - normalizeStarted)
        var enricher = ProcessEnricher(source: AbsentProcSource(), scan: false)
        let started = cpuNanos()
        for index in events.indices { enricher.enrich(&documents[index], event: events[index]) }
        let nanos = Double(cpuNanos() - started)
        XCTAssertEqual(enricher.enriched, UInt64(events.count))
        XCTAssertEqual(enricher.table.counters.forks, UInt64(processes))
        XCTAssertNotNil(documents.last?["process.entity_id"])
        print("enrichment: \(events.count) events, \(Int(nanos / Double(events.count))) ns/event CPU "
              + "(normalizer: \(Int(normalizeNanos / Double(events.count))) ns/event), table \(enricher.table.count)")
    }
}
