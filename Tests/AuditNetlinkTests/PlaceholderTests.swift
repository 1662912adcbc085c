import XCTest
@testable import AuditNetlink

final class AuditNetlinkPlaceholderTests: XCTestCase {
    func testModuleLinks() {}
}
