import XCTest
@testable import AuditRecords

final class AuditRecordsPlaceholderTests: XCTestCase {
    func testModuleLinks() {}
}
