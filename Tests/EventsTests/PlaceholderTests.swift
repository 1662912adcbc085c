import XCTest
@testable import Events

final class EventsPlaceholderTests: XCTestCase {
    func testModuleLinks() {}
}
