@testable import Events
import XCTest

/// The builder routes `auditd.data.<key>` to a fixed slot by a switch instead of hashing the dotted name: the
/// switch must agree with the catalog for every key.
final class FixedDataFieldTests: XCTestCase {
    func testFixedDataFieldAgreesWithTheCatalog() {
        var fixedKeys = 0
        for field in ECSField.allCases where field.name.hasPrefix("auditd.data.") {
            let key = String(field.name.dropFirst("auditd.data.".count))
            guard !key.contains(".") else {  // socket.*: a pipeline key never has a dot
                XCTAssertNil(DocumentBuilder.fixedDataField(DocumentBuilder.pipelineKey(key)), key)
                continue
            }
            XCTAssertEqual(DocumentBuilder.fixedDataField(key), field, key)
            fixedKeys += 1
        }
        XCTAssertEqual(fixedKeys, 10)
        for key in ["id", "fver", "old_pp", "ses", "a4", "arch_", "Arch", "item", "terminal", "exe", ""] {
            XCTAssertNil(DocumentBuilder.fixedDataField(key), key)
            XCTAssertNil(ECSField(name: "auditd.data." + key), key)
        }
    }
}
