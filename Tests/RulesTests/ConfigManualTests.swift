import Foundation
import PackageTestSupport
import XCTest
@testable import Rules

/// auspex.toml(5) documents exactly the keys the configuration schema accepts, each under its section.
final class ConfigManualTests: XCTestCase {
    func testManualDocumentsEveryConfigurationKey() throws {
        let page = try String(contentsOf: PackagePaths.root.appendingPathComponent("man/auspex.toml.5"), encoding: .utf8)
        var section = ""
        var documented: Set<String> = []
        for line in page.split(separator: "\n") {
            if line.hasPrefix(".Ss ["), let end = line.firstIndex(of: "]") {
                section = String(line[line.index(line.startIndex, offsetBy: 5)..<end])
            } else if line.hasPrefix(".It Sy "), let name = line.dropFirst(7).split(separator: " ").first {
                documented.insert("\(section).\(name)")
            }
        }
        XCTAssertEqual(documented.subtracting(ConfigLoader.knownKeys), [], "documented keys the schema does not accept")
        XCTAssertEqual(Set(ConfigLoader.knownKeys).subtracting(documented), [], "keys auspex.toml(5) does not document")
    }

    /// The default each entry states is the built-in default (for the keys whose default is a plain number).
    func testManualStatesTheNumericDefaults() throws {
        let page = try String(contentsOf: PackagePaths.root.appendingPathComponent("man/auspex.toml.5"), encoding: .utf8)
        let defaults = try String(contentsOf: PackagePaths.root.appendingPathComponent("etc/auspex/auspex.toml"), encoding: .utf8)
        var checked = 0
        for line in page.split(separator: "\n") where line.hasPrefix(".It Sy ") {
            let words = line.split(separator: " ")
            guard words.count == 6, words[4] == "=", Int(words[5]) != nil else { continue }
            XCTAssertTrue(defaults.contains("\n\(words[2]) = \(words[5])"), "auspex.toml(5) says \(words[2]) = \(words[5])")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 20)
    }
}
