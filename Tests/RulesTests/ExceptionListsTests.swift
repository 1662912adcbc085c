@testable import Rules
import XCTest

/// Exception files in Kibana's NDJSON export format: containers, items and the summary told apart by their keys;
/// every problem located as file:line:col.
final class ExceptionListsTests: XCTestCase {
    static let export = """
        {"id":"0f0e","list_id":"ops-tuning","name":"Ops tuning","namespace_type":"single","type":"detection","os_types":[],"tags":[],"version":1}
        {"item_id":"deploy-nc","list_id":"ops-tuning","type":"simple","name":"Deploy probe","namespace_type":"single","entries":[{"field":"process.executable","operator":"included","type":"match","value":"/usr/bin/nc"},{"field":"process.parent.name","operator":"included","type":"match_any","value":["deployd","ansible"]},{"field":"user.name","operator":"excluded","type":"match","value":"root"},{"field":"process.working_directory","operator":"included","type":"wildcard","value":"/srv/*/build"},{"field":"process.parent.executable","operator":"included","type":"exists"}],"expire_time":"2099-01-01T00:00:00.000Z","os_types":["linux"],"comments":[]}
        {"item_id":"meta","list_id":"ops-tuning","type":"simple","name":"Nested","entries":[{"field":"process.Ext.session_info","type":"nested","entries":[{"field":"interactive","operator":"included","type":"match","value":"false"}]}]}
        {"exported_exception_list_count":1,"exported_exception_list_item_count":2,"missing_exception_list_item_count":0,"missing_exception_list_items":[],"missing_exception_lists":[],"missing_exception_lists_count":0}

        """

    func testAnExportParsesIntoAListWithItsItems() throws {
        let lists = ExceptionLists.parse([("ops.ndjson", Self.export)])
        XCTAssertEqual(lists.diagnostics, [])
        let list = try XCTUnwrap(lists.lists["ops-tuning"])
        XCTAssertEqual(list.type, "detection")
        XCTAssertEqual(list.items.map(\.itemID), ["deploy-nc", "meta"])
        let item = list.items[0]
        XCTAssertEqual(item.entries, [
            .match(field: "process.executable", value: "/usr/bin/nc", excluded: false),
            .matchAny(field: "process.parent.name", values: ["deployd", "ansible"], excluded: false),
            .match(field: "user.name", value: "root", excluded: true),
            .wildcard(field: "process.working_directory", pattern: "/srv/*/build", excluded: false),
            .exists(field: "process.parent.executable", excluded: false),
        ])
        XCTAssertEqual(item.osTypes, ["linux"])
        XCTAssertEqual(item.expireTime, 4_070_908_800_000_000_000)
        XCTAssertEqual(item.location.line, 2)
        XCTAssertEqual(list.items[1].entries,
                       [.nested(field: "process.Ext.session_info",
                                entries: [.match(field: "interactive", value: "false", excluded: false)])])
    }

    func testProblemsAreReportedWithFileLineAndColumn() {
        let text = """
            {"list_id":"l","type":"endpoint","namespace_type":"agnostic","name":"Endpoint"}
            {"item_id":"a","list_id":"l","type":"simple","entries":[{"field":"process.name","operator":"sometimes","type":"match","value":"x"}]}
            {"item_id":"b","list_id":"l","type":"simple","entries":[{"field":"process.name","operator":"included","type":"match_any","value":"x"}]}
            {"item_id":"c","list_id":"l","type":"simple","entries":[{"field":"process.name","operator":"excluded","type":"match","value":"x"}]}
            {"item_id":"d","list_id":"nowhere","type":"simple","entries":[{"field":"process.name","operator":"included","type":"exists"}]}
            {"item_id":"e","list_id":"l","type":"simple","expire_time":"tomorrow","entries":[{"field":"process.name","operator":"included","type":"exists"}]}
            {"item_id":"f","list_id":"l","type":"simple","entries":[{"field":"destination.ip","operator":"included","type":"list","list":{"id":"nets.txt","type":"ip_range"}}]}
            {"item_id":"g","list_id":"l","entries":[{"field":"process.name","operator":"included","type":"regex","value":"x"}]}
            {"item_id": broken
            {"what":"else"}
            """
        let lists = ExceptionLists.parse([("ex.ndjson", text)])
        let shown = lists.diagnostics.map(\.description)
        func has(_ prefix: String, _ message: String, line: UInt = #line) {
            XCTAssertTrue(shown.contains { $0.hasPrefix(prefix) && $0.contains(message) }, "\(prefix) \(message) in \(shown)", line: line)
        }
        has("ex.ndjson:2:58: error:", "'operator' must be \"included\" or \"excluded\"")
        has("ex.ndjson:3:58: error:", "match_any entry on 'process.name' needs a non-empty array")
        has("ex.ndjson:4:1: error:", "endpoint list item 'c' may not use the excluded operator")
        has("ex.ndjson:5:1: error:", "belongs to list 'nowhere', which no exception file defines")
        has("ex.ndjson:6:46: error:", "'expire_time' must be an ISO 8601 time")
        has("ex.ndjson:7:58: error:", "value list 'nets.txt' not found")
        has("ex.ndjson:8:42: error:", "unknown entry type 'regex'")
        has("ex.ndjson:9:13: error:", "invalid JSON")
        has("ex.ndjson:10:1: error:", "neither an exception list")
        XCTAssertEqual(lists.lists["l"]?.items.map(\.itemID), [])
    }
}
