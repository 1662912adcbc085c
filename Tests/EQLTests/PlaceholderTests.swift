import XCTest
@testable import EQL

final class EQLPlaceholderTests: XCTestCase {
    func testModuleLinks() {}
}
