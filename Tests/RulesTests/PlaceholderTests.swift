import XCTest
@testable import Rules

final class RulesPlaceholderTests: XCTestCase {
    func testModuleLinks() {}
}
