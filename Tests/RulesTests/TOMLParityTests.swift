// TEMPORARY: the new TOML reader against TOMLKit (toml++) on every TOML file at hand; removed with TOMLKit.
import Foundation
import PackageTestSupport
@testable import Rules
import TOMLKit
import XCTest

final class TOMLParityTests: XCTestCase {
    private func convert(_ value: TOMLValueConvertible) -> Rules.TOMLValue {
        switch value.type {
        case .table:
            let table = value.table!
            var result = Rules.TOMLTable()
            for key in table.keys { result.append(key, convert(table[key]!)) }
            return .table(result)
        case .array: return .array(value.array!.map { convert($0) })
        case .string: return .string(value.string!)
        case .int: return .integer(value.int!)
        case .double: return .float(value.double!)
        case .bool: return .boolean(value.bool!)
        case .date: return .dateTime(.init(kind: .localDate, text: ""))
        case .time: return .dateTime(.init(kind: .localTime, text: ""))
        case .dateTime:
            return .dateTime(.init(kind: value.dateTime!.offset == nil ? .localDateTime : .offsetDateTime, text: ""))
        }
    }

    /// Date-times compare by kind only (TOMLKit gives components, ours the text); the corpus has none.
    private func withoutDateText(_ value: Rules.TOMLValue) -> Rules.TOMLValue {
        switch value {
        case .dateTime(let value): return .dateTime(.init(kind: value.kind, text: ""))
        case .array(let elements): return .array(elements.map(withoutDateText))
        case .table(let table):
            var result = Rules.TOMLTable()
            for key in table.keys { result.append(key, withoutDateText(table[key]!)) }
            return .table(result)
        default: return value
        }
    }

    private func compare(_ text: String, _ name: String, _ counts: inout [String: Int], _ differences: inout [String]) {
        let theirs: Rules.TOMLValue?
        do { theirs = convert(try TOMLKit.TOMLTable(string: text)) } catch { theirs = nil }
        let ours: Rules.TOMLValue?
        var ourError = ""
        do { ours = .table(try TOMLParser.parse(text).root) } catch { ours = nil; ourError = "\(error)" }
        counts["compared", default: 0] += 1
        switch (theirs, ours) {
        case (nil, nil): counts["both rejected", default: 0] += 1
        case (let a?, let b?) where a == withoutDateText(b): counts["identical", default: 0] += 1
        case (_?, nil): differences.append("\(name): TOMLKit accepts, ours rejects: \(ourError)")
        case (nil, _?): differences.append("\(name): TOMLKit rejects, ours accepts")
        default: differences.append("\(name): different values")
        }
    }

    func testEveryTOMLFileReadsAsTOMLKitReadsIt() throws {
        var files: [URL] = []
        for root in [try PackagePaths.shared(), PackagePaths.root.appendingPathComponent("etc")] {
            let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
            for case let url as URL in walker where url.pathExtension == "toml" { files.append(url) }
        }
        var counts: [String: Int] = [:]
        var differences: [String] = []
        for file in files.sorted(by: { $0.path < $1.path }) {
            compare(try String(contentsOf: file, encoding: .utf8), file.path, &counts, &differences)
        }
        print("TOML parity, files: \(counts.sorted { $0.key < $1.key })")
        XCTAssertGreaterThan(files.count, 500)
        for (index, text) in Self.documents.enumerated() { compare(text, "document \(index): \(text.debugDescription)", &counts, &differences) }
        print("TOML parity, files + documents: \(counts.sorted { $0.key < $1.key })")
        XCTAssertEqual(differences, [])
    }

    static let documents: [String] = [
        "a = 1\nb = -9223372036854775808\nc = 9223372036854775807\nd = 0x7fffffffffffffff\ne = 0o17\nf = 0b1_0\ng = +1_000\n",
        "a = 9223372036854775808\n", "a = -9223372036854775809\n", "a = 0xFFFFFFFFFFFFFFFF\n", "a = 01\n", "a = 1__0\n",
        "a = _1\n", "a = 1_\n", "a = +0x1\n", "a = 0x\n", "a = 0X10\n",
        "a = 1.5\nb = -0.0\nc = 1e10\nd = 1E-5\ne = 6.626e-34\nf = inf\ng = -inf\nh = nan\ni = +nan\nj = 1_0.0_1e0_1\nk = 0e0\n",
        "a = 1.\n", "a = .5\n", "a = 1e\n", "a = 01.5\n", "a = 1.5.\n", "a = infinity\n", "a = 1e1_\n", "a = 1.e2\n",
        "a = true\nb = false\n", "a = True\n", "a = truex\n",
        "a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00.999999-07:00\nc = 1979-05-27 07:32:00\nd = 1979-05-27\ne = 07:32:00\nf = 00:32:00.5\ng = 2000-02-29\n",
        "a = 1979-13-27\n", "a = 1979-02-30\n", "a = 1900-02-29\n", "a = 25:00:00\n", "a = 1979-05-27T07:32\n", "a = 1979-05-27T07:32:00+25:00\n",
        "a = \"\\b\\t\\n\\f\\r\\\"\\\\\\u00E9\\U0001F600\"\n", "a = \"\\x41\"\n", "a = \"\\uD800\"\n", "a = \"\\e\"\n", "a = \"a\n",
        "a = 'C:\\\\x'\nb = '''\nline\n  two'''\nc = \"\"\"\\\n   x \\\n\n  y\"\"\"\nd = \"\"\"a\"\"\"\"\"\ne = '''''a'''''\n",
        "a = \"\"\"a\"\"\"\"\"\"\n", "a = \"tab\there\"\n", "a = \"\u{01}\"\n", "a = '\u{7F}'\n", "# c \u{01}\n",
        "a = [1, 'a', [2], {x = 1}, ]\nb = [\n  1, # one\n  2\n]\nc = []\n", "a = [,]\n", "a = [1 2]\n",
        "a = {x = 1, y.z = 2}\nb = {}\n", "a = {x = 1,}\n", "a = {x = 1\n}\n", "a = {x = 1, x = 2}\n",
        "[a]\nx = 1\n[a]\n", "[a.b]\n[a]\nx = 1\n", "[a]\n[a.b]\n[a.b]\n", "[[a]]\nx = 1\n[[a]]\nx = 2\n[a.b]\ny = 1\n",
        "a = [1]\n[[a]]\n", "[a]\n[[a]]\n", "[[a]]\n[a]\n", "a = {x = 1}\n[a.b]\n", "a = {x = 1}\na.y = 2\n",
        "a.b = 1\na.c = 2\n[a.d]\n", "a.b = 1\n[a]\n", "[a.b.c]\nz = 9\n[a]\nb.c.t = 1\n", "[a]\nb.c = 1\n[a.b]\n",
        "a = 1\na = 2\n", "a = 1\na.b = 2\n", "\"a b\" = 1\n'c.d' = 2\n\"\" = 3\n\"\\u0041\" = 4\n", "a. b . c = 1\n",
        "= 1\n", "a =\n", "a = 1 b = 2\n", "[a\n", "[]\n", "[a]]\n", "[[a]\n", "a = 1\r\nb = 2\r\n", "a = 1\rb = 2\n",
        "\u{FEFF}a = 1\n", "a = \"\"\"\r\nx\r\ny\"\"\"\n", "[ a . \"b\" ]\nc = 1\n", "a = 1 # c\n[b] # d\n",
        "a = \"é ü 😀\"\nb = '\u{2028}'\n", "[[a.b]]\n[a]\nc = 1\n", "a = 1979-05-27 \n", "a = 1979-05-27T\n",
    ]
}
