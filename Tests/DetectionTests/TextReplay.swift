@testable import Alerting
@testable import Detection
@testable import Events
import XCTest
#if canImport(Glibc)
import Glibc
@testable import Rules
#endif

/// Replays log text through a pipeline loaded with rule files (paths) and rule texts written to a temporary directory.
enum TextReplay {
    static func alerts(_ log: String, rulePaths: [String] = [],
                       rules: [(id: String, query: String, index: [String])] = [], file: StaticString = #filePath, line: UInt = #line) throws -> [Alert] {
        let directory = NSTemporaryDirectory() + "auspex-defend-\(getpid())-\(UInt64.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for rule in rules {
            try Fixtures.ruleText(id: rule.id, name: rule.id, query: rule.query, index: rule.index)
                .write(toFile: "\(directory)/\(rule.id).toml", atomically: true, encoding: .utf8)
        }
        try log.write(toFile: directory + "/audit.log", atomically: true, encoding: .utf8)
        let load = RuleSet.load(paths: rulePaths + (rules.isEmpty ? [] : [directory]))
        XCTAssertEqual(load.diagnostics.filter { $0.severity == .error }, [], file: file, line: line)
        var pipeline = DetectionPipeline(ruleSet: load.ruleSet,
                                         settings: PipelineSettings(host: HostInfo(id: "test-host", name: "vm")),
                                         names: StaticNameLookup())
        let descriptor = open(directory + "/audit.log", O_RDONLY)
        guard descriptor >= 0 else { throw XCTSkip("cannot open the log") }
        defer { close(descriptor) }
        var alerts: [Alert] = []
        let outcome = LogReplay.run(descriptor: descriptor, through: &pipeline) { alerts.append($0) }
        XCTAssertNil(outcome.readError, file: file, line: line)
        XCTAssertEqual(pipeline.counters.malformed, 0, "the crafted log parses", file: file, line: line)
        return alerts
    }
}

extension Array where Element == Alert {
    /// The alerts of one rule.
    func of(_ ruleID: String) -> [Alert] { filter { $0.rule.id == ruleID } }
}
