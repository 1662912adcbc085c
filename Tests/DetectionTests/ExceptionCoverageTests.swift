@testable import Detection
@testable import Rules
import XCTest

final class ExceptionCoverageTests: XCTestCase {
    /// An item that needs a value of a field audit never produces can never match; `auspex check` says so. An
    /// excluded entry on such a field always holds, so it does not make the item dead.
    func testItemsNeedingUnproducedFieldsAreReported() {
        let text = """
            {"list_id":"lab","type":"detection","namespace_type":"single","name":"Lab"}
            {"item_id":"by-exe","list_id":"lab","type":"simple","entries":[{"field":"process.executable","operator":"included","type":"match","value":"/usr/bin/make"}]}
            {"item_id":"by-container","list_id":"lab","type":"simple","entries":[{"field":"process.executable","operator":"included","type":"match","value":"/usr/bin/make"},{"field":"container.id","operator":"included","type":"exists"}]}
            {"item_id":"not-in-container","list_id":"lab","type":"simple","entries":[{"field":"container.id","operator":"excluded","type":"exists"}]}
            {"item_id":"audit-data","list_id":"lab","type":"simple","entries":[{"field":"auditd.data.acct","operator":"included","type":"match","value":"root"}]}
            """
        let lists = ExceptionLists.parse([(file: "lab.ndjson", text: text)])
        XCTAssertEqual(lists.diagnostics.filter { $0.severity == .error }, [])
        let dead = lists.neverMatching(producible: ECSCatalog.canProduce)
        XCTAssertEqual(dead.count, 1, dead.map(\.description).joined(separator: "\n"))
        XCTAssertTrue(dead.first?.message.contains("'by-container'") ?? false)
        XCTAssertTrue(dead.first?.message.contains("'container.id'") ?? false)
        XCTAssertEqual(dead.first?.severity, .warning)
    }
}
