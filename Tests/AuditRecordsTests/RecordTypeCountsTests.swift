import XCTest
@testable import AuditRecords

final class RecordTypeCountsTests: XCTestCase {
    func testCountsByNameInTypeOrderWithHighTypesAsOther() {
        var counts = RecordTypeCounts()
        XCTAssertTrue(counts.byName.isEmpty)
        for type: UInt16 in [1309, 1300, 1300, 4096, 65535, 1112] { counts.count(type) }
        let named = counts.byName.map { "\($0.type)=\($0.count)" }
        XCTAssertEqual(named, ["USER_LOGIN=1", "SYSCALL=2", "EXECVE=1", "OTHER=2"])
    }
}
