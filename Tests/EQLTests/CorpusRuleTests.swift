import EQL
import Foundation
import TOMLKit
import XCTest

/// Every Linux EQL rule of the detection-rules corpus (active and `_deprecated/`) must parse,
/// verify and compile.
final class CorpusRuleTests: XCTestCase {
    func testEveryCorpusRuleCompiles() throws {
        let root = try SharedData.root().appendingPathComponent("detection-rules/linux-eql")
        var files: [URL] = []
        for directory in [root, root.appendingPathComponent("_deprecated")] {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            files += names.filter { $0.hasSuffix(".toml") }.sorted().map { directory.appendingPathComponent($0) }
        }
        XCTAssertGreaterThan(files.count, 300, "corpus unexpectedly small")

        var kinds: [String: Int] = [:]
        var failures: [String] = []
        var unknownFieldCount = 0
        for file in files {
            let table = try TOMLTable(string: String(contentsOf: file, encoding: .utf8))
            guard let query = table["rule"]?["query"]?.string else {
                failures.append("\(file.lastPathComponent): no [rule] query")
                continue
            }
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
              + "sequence \(kinds["sequence", default: 0]), sample \(kinds["sample", default: 0]))")
        XCTAssertEqual(failures, [], "\(failures.count) of \(files.count) rules failed")
        XCTAssertEqual(unknownFieldCount, 0, "a schema that knows every field leaves none unknown")
    }
}
