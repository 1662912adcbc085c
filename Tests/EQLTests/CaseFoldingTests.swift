@testable import EQL
import XCTest

/// `CaseFolding.lowercased` maps only the non-ASCII scalars through their Unicode lowercase mapping: it must give
/// exactly `String.lowercased()`, for every scalar and in context.
final class CaseFoldingTests: XCTestCase {
    func testEveryScalarLowersAsTheStandardLibraryLowersIt() {
        var differences: [UInt32] = []
        for value in UInt32(0)..<0x11_0000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let alone = String(scalar)
            for text in [alone, "Ab" + alone + " Z", alone + alone] where CaseFolding.lowercased(text) != text.lowercased() {
                differences.append(value)
            }
        }
        XCTAssertEqual(differences, [], "scalars lowered differently")
    }

    func testMixedTextsKeepTheirOrderAndLength() {
        for text in ["/usr/bin/PYTHON3 -c 'print(\"ΟΔΟΣ café\")'", "İstanbul", "ǅUNGLA", "ẞtraße", "日本語ABC", "ﬀ"] {
            XCTAssertEqual(CaseFolding.lowercased(text), text.lowercased(), text)
            XCTAssertEqual(CaseFolding.comparable(text), text.lowercased(), text)
        }
        XCTAssertEqual(CaseFolding.comparable("ASCII Stays"), "ASCII Stays", "ASCII text is folded while comparing")
    }
}
