@testable import EventModel
import Foundation
@testable import Rules
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Value lists (`type: list` entries) read from files beside the exception file, and hand-made items written in
/// Kibana's format (`auspex exception add`).
final class ExceptionValueListTests: XCTestCase {
    private static func item(_ id: String, field: String, list: String, type: String, excluded: Bool = false) -> String {
        #"{"item_id":"\#(id)","list_id":"vl","type":"simple","entries":[{"field":"\#(field)","operator":"\#(excluded ? "excluded" : "included")","type":"list","list":{"id":"\#(list)","type":"\#(type)"}}]}"#
    }

    func testValueListsAreReadBesideTheExceptionFile() throws {
        let directory = try TemporaryDirectory()
        try directory.write("admins.txt", "alice\n\n  bob \r\ncarol\n")
        try directory.write("ci-subnets.txt", "10.1.0.0/16\n192.0.2.10-192.0.2.20\n2001:db8::/32\n198.51.100.7\n")
        try directory.write("ports", "22\n")
        let file = try directory.write("vl.ndjson", [
            #"{"list_id":"vl","type":"detection","name":"Value lists"}"#,
            Self.item("users", field: "user.name", list: "admins.txt", type: "keyword"),
            Self.item("nets", field: "destination.ip", list: "ci-subnets.txt", type: "ip_range", excluded: true),
            Self.item("bare", field: "user.name", list: "admins", type: "keyword"),   // admins → admins.txt
            Self.item("long", field: "destination.port", list: "ports", type: "long"),
            Self.item("missing", field: "user.name", list: "nowhere.txt", type: "keyword"),
            Self.item("escape", field: "user.name", list: "../etc/passwd", type: "keyword"),
            Self.item("badip", field: "source.ip", list: "admins.txt", type: "ip"),
        ].joined(separator: "\n") + "\n")
        let lists = ExceptionLists.load(paths: [directory.path])
        let shown = lists.diagnostics.map(\.description)
        XCTAssertTrue(shown.contains { $0.hasPrefix(file + ":5:") && $0.contains("warning:") && $0.contains("of type long")
            && $0.contains("the item is not applied") }, "\(shown)")
        XCTAssertTrue(shown.contains { $0.hasPrefix(file + ":6:") && $0.contains("error:")
            && $0.contains("value list 'nowhere.txt' not found") }, "\(shown)")
        XCTAssertTrue(shown.contains { $0.hasPrefix(file + ":7:") && $0.contains("error:") && $0.contains("cannot name a file") },
                      "\(shown)")
        XCTAssertTrue(shown.contains { $0.hasPrefix(file + ":8:") && $0.contains("error:") && $0.contains("'alice' is not an IP address") },
                      "\(shown)")
        let items = try XCTUnwrap(lists.lists["vl"]).items
        XCTAssertEqual(items.map(\.itemID), ["users", "nets", "bare"])
        guard case .valueList("user.name", let admins, false) = items[0].entries[0] else { return XCTFail("\(items[0].entries)") }
        XCTAssertEqual(admins.values, ["alice", "bob", "carol"])
        XCTAssertEqual(admins.path, directory.path + "/admins.txt")
        guard case .valueList("destination.ip", let nets, true) = items[1].entries[0] else { return XCTFail("\(items[1].entries)") }
        XCTAssertEqual(nets.ranges.count, 4)
        func inside(_ address: String) -> Bool { nets.ranges.contains { $0.contains(IPRange.address(address)!) } }
        XCTAssertTrue(inside("10.1.255.255"))
        XCTAssertFalse(inside("10.2.0.0"))
        XCTAssertTrue(inside("192.0.2.15"))
        XCTAssertFalse(inside("192.0.2.21"))
        XCTAssertTrue(inside("2001:db8:1::1"))
        XCTAssertFalse(inside("2001:db9::1"))
        XCTAssertTrue(inside("::ffff:198.51.100.7"))
        guard case .valueList(_, let bare, _) = items[2].entries[0] else { return XCTFail() }
        XCTAssertEqual(bare.path, directory.path + "/admins.txt")
    }

    func testIPRangeParsing() {
        XCTAssertNil(IPRange.parse("10.0.0.0/33"))
        XCTAssertNil(IPRange.parse("10.0.0.9-10.0.0.1"))
        XCTAssertNil(IPRange.parse("not-an-ip"))
        XCTAssertEqual(IPRange.parse("0.0.0.0/0")?.contains(IPRange.address("255.255.255.255")!), true)
        XCTAssertEqual(IPRange.parse("0.0.0.0/0")?.contains(IPRange.address("2001:db8::1")!), false)
    }

    func testWrittenItemsParseBackAsKibanaNDJSONWithTheirRuleScope() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/sub/auspex-local.ndjson"
        var item = ExceptionListWriter.Item(scope: .rule("rule-1"), field: "process.executable", value: "/opt/x \"y\"")
        item.expireTime = "2099-01-01T00:00:00Z"
        let (line, itemID) = ExceptionListWriter.itemLine(item)
        try ExceptionListWriter.append([ExceptionListWriter.containerLine(for: .rule("rule-1"), ruleName: "Rule one"), line], to: file)
        var all = ExceptionListWriter.Item(scope: .allRules, field: "user.name", value: "root")
        all.excluded = true
        try ExceptionListWriter.append([ExceptionListWriter.containerLine(for: .allRules), ExceptionListWriter.itemLine(all).line],
                                       to: file)

        var info = stat()
        XCTAssertEqual(stat(file, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o644)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertEqual(text.split(separator: "\n").count, 4)
        XCTAssertTrue(text.hasSuffix("}\n"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/sub"), ["auspex-local.ndjson"],
                       "no temporary file left")

        let lists = ExceptionLists.load(paths: [directory.path + "/sub"])
        XCTAssertEqual(lists.diagnostics, [])
        let ruleList = try XCTUnwrap(lists.lists["auspex-rule-rule-1"])
        XCTAssertEqual(ruleList.type, "rule_default")
        XCTAssertEqual(ruleList.name, "Rule one - Default Exception List")
        XCTAssertEqual(ruleList.ruleScope, ["rule-1"])
        XCTAssertTrue(ruleList.scopeIncludes("rule-1"))
        XCTAssertFalse(ruleList.scopeIncludes("rule-2"))
        XCTAssertEqual(ruleList.items.map(\.itemID), [itemID])
        XCTAssertEqual(ruleList.items[0].entries, [.match(field: "process.executable", value: "/opt/x \"y\"", excluded: false)])
        XCTAssertEqual(ruleList.items[0].osTypes, ["linux"])
        XCTAssertEqual(ruleList.items[0].expireTime, 4_070_908_800_000_000_000)
        let allList = try XCTUnwrap(lists.lists["auspex-all-rules"])
        XCTAssertEqual(allList.type, "detection")
        XCTAssertTrue(allList.scopeIncludes("anything"))
        XCTAssertEqual(allList.items[0].entries, [.match(field: "user.name", value: "root", excluded: true)])

        // The keys Kibana's import schema reads, with Kibana's value shapes.
        let lines = text.split(separator: "\n").map { try? JSONReader.parse(String($0)) }
        let container = try XCTUnwrap(lines[0])
        for key in ["list_id", "name", "description", "type", "namespace_type", "id", "tie_breaker_id", "created_at", "version"] {
            XCTAssertNotNil(container[key], key)
        }
        XCTAssertNil(container["item_id"])
        let written = try XCTUnwrap(lines[1])
        XCTAssertEqual(written["item_id"]?.stringValue?.count, 36, "a UUID")
        XCTAssertEqual(written["type"]?.stringValue, "simple")
        XCTAssertEqual(written["namespace_type"]?.stringValue, "single")
        XCTAssertEqual(written["comments"], .array([]))
        XCTAssertEqual(written["os_types"], .array([.string("linux")]))
        for key in ["name", "description", "tags", "id", "created_at", "created_by", "updated_at", "updated_by", "tie_breaker_id"] {
            XCTAssertNotNil(written[key], key)
        }
        XCTAssertEqual(written["entries"], .array([.object([
            .init("field", .string("process.executable")), .init("operator", .string("included")),
            .init("type", .string("match")), .init("value", .string("/opt/x \"y\"")),
        ])]))
    }

    func testTheWriterRefusesSymlinksAndNonRegularFiles() throws {
        let directory = try TemporaryDirectory()
        let target = try directory.write("real.ndjson", "")
        XCTAssertEqual(symlink(target, directory.path + "/link.ndjson"), 0)
        XCTAssertThrowsError(try ExceptionListWriter.append(["{}"], to: directory.path + "/link.ndjson")) {
            XCTAssertTrue("\($0)".contains("symbolic link"), "\($0)")
        }
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "")
        XCTAssertThrowsError(try ExceptionListWriter.append(["{}"], to: directory.path))
        // A file without a final newline gets one before the new lines.
        let partial = try directory.write("partial.ndjson", #"{"list_id":"a"}"#)
        try ExceptionListWriter.append([#"{"list_id":"b"}"#], to: partial)
        XCTAssertEqual(try String(contentsOfFile: partial, encoding: .utf8), "{\"list_id\":\"a\"}\n{\"list_id\":\"b\"}\n")
    }
}
