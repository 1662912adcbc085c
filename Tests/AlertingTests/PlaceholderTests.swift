import XCTest
@testable import Alerting

final class AlertingPlaceholderTests: XCTestCase {
    func testModuleLinks() {}
}
