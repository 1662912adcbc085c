import XCTest
@testable import Reassembler

final class ReassemblerPlaceholderTests: XCTestCase {
    func testModuleLinks() {}
}
