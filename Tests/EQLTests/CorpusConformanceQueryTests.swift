@testable import EQL
import Foundation
import PackageTestSupport
@testable import Rules
import XCTest

/// Every active query of the Elasticsearch EQL QA suite (es-qa/*.toml) is valid ES EQL, so the
/// front end must accept and compile all of them.
final class CorpusConformanceQueryTests: XCTestCase {
    func testEveryQASuiteQueryCompiles() throws {
        let directory = try PackagePaths.shared().appendingPathComponent("eql-suite/es-qa")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".toml") }
        XCTAssertFalse(files.isEmpty)
        var total = 0
        var failures: [String] = []
        for file in files.sorted() {
            // test_extra.toml writes `join_keys = [null]`, which strict TOML rejects; quote those nulls.
            let raw = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let text = raw.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasPrefix("join_keys") ? line.replacingOccurrences(of: "null", with: "\"null\"")
                    .replacingOccurrences(of: "\"\"null\"\"", with: "\"null\"") : String(line)
            }.joined(separator: "\n")
            let queries = try TOMLParser.parse(text).root["queries"]?.array
            try check(queries, file, &total, &failures)
        }
        print("es-qa: \(total - failures.count)/\(total) queries compiled")
        XCTAssertEqual(failures, [])
    }

    private func check(_ queries: [TOMLValue]?, _ file: String, _ total: inout Int, _ failures: inout [String]) throws {
        for entry in queries ?? [] {
            guard let query = entry["query"]?.string else { continue }
            total += 1
            do {
                // The suite's mappings have no fields x, y, z: `?x == ?y` relies on that (both become null).
                _ = try EQLCompiler(schema: GrowingSchema(excluding: ["x", "y", "z"])).compile(query)
            } catch {
                failures.append("\(file) \(entry["name"]?.string ?? "?"): \(error)")
            }
        }
    }
}
