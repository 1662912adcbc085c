@testable import Events
import XCTest

/// CommonKeys names keys by packing their bytes into an integer: each spelling must come back as itself, and a key
/// that differs by a byte, a length, case or a stored space must not be taken for one.
final class CommonKeysTests: XCTestCase {
    private func spelling(_ key: String) -> String? {
        Array(key.utf8).withUnsafeBufferPointer { CommonKeys.spelling(of: $0) }
    }

    func testEverySpellingIsItself() {
        XCTAssertEqual(Set(CommonKeys.spellings).count, CommonKeys.spellings.count, "a spelling is listed twice")
        for key in CommonKeys.spellings { XCTAssertEqual(spelling(key), key) }
    }

    /// A common key's data field name is the one the builder would make: the pipeline renames none of them.
    func testDataFieldNamesAreThePipelineNames() {
        for key in CommonKeys.spellings {
            XCTAssertEqual(CommonKeys.dataFieldName(of: key), "auditd.data." + DocumentBuilder.pipelineKey(key))
        }
        XCTAssertNil(CommonKeys.dataFieldName(of: "old-pp"))
        XCTAssertNil(CommonKeys.dataFieldName(of: "old pp"))
        XCTAssertNil(CommonKeys.dataFieldName(of: "some_long_unusual_key"))
    }

    func testNearMissesAreNotCommonKeys() {
        var misses = ["", "f", "cap_frootidx", "cap_frooti", "old pp", "ITEM", "uid", "pid", "exe", "proctitle"]
        for key in CommonKeys.spellings {
            misses.append(key.uppercased())
            misses.append(String(key.dropLast()) + "_")
            misses.append(key + "\u{0}")
        }
        for miss in misses where !CommonKeys.spellings.contains(miss) { XCTAssertNil(spelling(miss), miss) }
    }
}
