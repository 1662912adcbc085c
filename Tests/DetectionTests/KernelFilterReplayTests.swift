@testable import Alerting
@testable import Detection
@testable import EventModel
@testable import Events
@testable import Rules
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Kernel-side filters never change an alert: every corpus log, the benchmark log and a variant of it with sockets
/// of other families are replayed through the shipped pack twice, once whole and once with only the events the
/// derived kernel filters let through, and the alerts must be identical.
final class KernelFilterReplayTests: XCTestCase {
    private func replay(_ log: String, ruleSet: RuleSet) -> [String] {
        var pipeline = DetectionPipeline(ruleSet: ruleSet,
                                         settings: PipelineSettings(host: HostInfo(id: "test-host", name: "vm")),
                                         names: StaticNameLookup())
        let descriptor = open(log, O_RDONLY)
        XCTAssertGreaterThanOrEqual(descriptor, 0, log)
        defer { close(descriptor) }
        var alerts: [String] = []
        _ = LogReplay.run(descriptor: descriptor, through: &pipeline) { alert in
            alerts.append(alert.rule.id + " " + JSONWriter.string(Document(fields: [("keys", .array(alert.joinKeys)),
                                                                            ("events", .array(alert.events.map(\.nested)))])))
        }
        return alerts
    }

    /// Socket syscall numbers per audit arch (x86_64, i386, aarch64).
    private static let socketNumbers = ["c000003e": "41", "40000003": "359", "c00000b7": "198"]

    /// The log without the events the kernel filters would drop: a SYSCALL record of a filtered syscall whose
    /// argument is not one of the filter's values removes every record of its event (same serial). Returns the
    /// filtered text and how many events were dropped.
    static func applying(_ filters: [SyscallArgumentFilter], to text: String) -> (String, Int) {
        func field(_ name: String, in line: Substring) -> Substring? {
            guard let range = line.range(of: " " + name + "=") else { return nil }
            return line[range.upperBound...].prefix { $0 != " " }
        }
        func serial(of line: Substring) -> Substring? {
            guard let start = line.range(of: "msg=audit(") else { return nil }
            let rest = line[start.upperBound...]
            guard let colon = rest.firstIndex(of: ":"), let close = rest.firstIndex(of: ")") else { return nil }
            return rest[rest.index(after: colon)..<close]
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var dropped: Set<Substring> = []
        for line in lines where line.hasPrefix("type=SYSCALL ") {
            guard let number = field("syscall", in: line), let arch = field("arch", in: line) else { continue }
            for filter in filters {
                guard number == filter.syscall || Self.socketNumbers[String(arch)] == String(number) && filter.syscall == "socket",
                      let hex = field("a\(filter.argument)", in: line), let value = UInt64(hex, radix: 16) else { continue }
                if !filter.values.contains(value), let serial = serial(of: line) { dropped.insert(serial) }
            }
        }
        let kept = lines.filter { line in serial(of: line).map { !dropped.contains($0) } ?? true }
        return (kept.joined(separator: "\n"), dropped.count)
    }

    func testDerivedKernelFiltersNeverChangeTheAlertsOfTheCorpusLogs() throws {
        let samples = try Fixtures.shared("audit-samples")
        let load = RuleSet.load(paths: [Fixtures.defaultRulePack])
        XCTAssertFalse(load.hasErrors)
        let plan = AuditRulePlan(ruleSet: load.ruleSet)
        XCTAssertEqual(plan.filters, [SyscallArgumentFilter(syscall: "socket", argument: 0, values: [2, 10])])

        let directory = NSTemporaryDirectory() + "auspex-kernel-filter-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        // The benchmark log, and a variant whose sockets cycle through AF_UNIX, AF_INET, AF_INET6 and AF_NETLINK.
        let benchmark = try Fixtures.benchmarkLog()
        XCTAssertTrue(benchmark.contains("syscall=41 "))
        try benchmark.write(toFile: directory + "/bench.log", atomically: true, encoding: .utf8)
        var index = 0
        let families = ["1", "2", "a", "10"]
        let mixed = benchmark.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasPrefix("type=SYSCALL "), line.contains(" syscall=41 "), let a0 = line.range(of: " a0=") else {
                return String(line)
            }
            index += 1
            let end = line[a0.upperBound...].firstIndex(of: " ") ?? line.endIndex
            return String(line[..<a0.upperBound]) + families[index % families.count] + String(line[end...])
        }.joined(separator: "\n")
        try mixed.write(toFile: directory + "/mixed.log", atomically: true, encoding: .utf8)

        var logs = [directory + "/bench.log", directory + "/mixed.log"]
        let enumerator = FileManager.default.enumerator(atPath: samples)
        while let relative = enumerator?.nextObject() as? String {
            guard relative.hasSuffix(".log") || relative.hasSuffix(".txt") else { continue }
            logs.append(samples + "/" + relative)
        }
        var droppedEvents = 0, alertsCompared = 0
        for (number, log) in logs.enumerated() {
            guard let data = FileManager.default.contents(atPath: log) else { continue }
            let (filtered, dropped) = Self.applying(plan.filters, to: String(decoding: data, as: UTF8.self))
            let filteredPath = directory + "/filtered-\(number).log"
            try filtered.write(toFile: filteredPath, atomically: true, encoding: .utf8)
            let all = replay(log, ruleSet: load.ruleSet)
            let through = replay(filteredPath, ruleSet: load.ruleSet)
            XCTAssertEqual(all, through, "alerts differ with kernel filters: \(log)")
            droppedEvents += dropped
            alertsCompared += all.count
        }
        print("kernel filters: \(logs.count) logs, \(droppedEvents) socket events filtered out, \(alertsCompared) alerts identical")
        XCTAssertGreaterThanOrEqual(droppedEvents, 500, "the mixed-family log exercises the filter (half its 1,000 sockets)")
        XCTAssertGreaterThan(alertsCompared, 20)
    }
}
