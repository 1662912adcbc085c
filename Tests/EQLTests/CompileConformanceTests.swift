@testable import EQL
@testable import EventModel
import Foundation
@testable import Rules
import XCTest

/// Constant folding and string functions against the Elasticsearch unit suites
/// (es-unit/test_folding.toml, test_string_functions.toml), minus test_unsupported.toml.
final class CompileConformanceTests: XCTestCase {
    private struct Case {
        var section: String
        var expression: String
        var expected: FieldValue
    }

    private func loadCases(_ file: String) throws -> [Case] {
        let table = try TOMLParser.parse(SharedData.text("eql-suite/es-unit/\(file)")).root
        var cases: [Case] = []
        for section in table.keys.sorted() {
            guard let tests = table[section]?["fold"]?["tests"]?.array else { continue }
            for test in tests {
                guard let expression = test["expression"]?.string else { continue }
                cases.append(Case(section: section, expression: expression, expected: value(test["expected"])))
            }
        }
        return cases
    }

    private func value(_ toml: TOMLValue?) -> FieldValue {
        guard let toml else { return .null }
        if let b = toml.bool { return .bool(b) }
        if let i = toml.int { return .int(Int64(i)) }
        if let d = toml.double { return .double(d) }
        if let s = toml.string { return .string(s) }
        return .null
    }

    private func unsupported() throws -> Set<String> {
        try Set(loadCases("test_unsupported.toml").map { "\($0.section)|\($0.expression)" })
    }

    private func run(_ file: String) throws {
        let excluded = try unsupported()
        let cases = try loadCases(file).filter { !excluded.contains("\($0.section)|\($0.expression)") }
        XCTAssertGreaterThan(cases.count, 50)
        let compiler = EQLCompiler(schema: GrowingSchema())
        var passed = 0
        for c in cases {
            do {
                let actual = try compiler.evaluateConstant(c.expression)
                if same(actual, c.expected) {
                    passed += 1
                } else {
                    XCTFail("[\(c.section)] \(c.expression): expected \(c.expected), got \(actual)")
                }
            } catch {
                XCTFail("[\(c.section)] \(c.expression): \(error)")
            }
        }
        print("\(file): \(passed)/\(cases.count) passed (\(excluded.count) unsupported entries excluded)")
    }

    private func same(_ a: FieldValue, _ b: FieldValue) -> Bool {
        switch (a, b) {
        case (.double(let x), .double(let y)): return abs(x - y) <= 1e-9 * max(1, abs(y))
        default: return a == b
        }
    }

    func testFolding() throws {
        try run("test_folding.toml")
    }

    func testStringFunctions() throws {
        try run("test_string_functions.toml")
    }
}
