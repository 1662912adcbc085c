import Foundation
import PackageTestSupport
import XCTest

/// Locates `../shared` from the package root (found by walking up from this file).
enum SharedData {
    static func root() throws -> URL {
        try PackagePaths.shared()
    }

    static func text(_ relative: String) throws -> String {
        let url = try root().appendingPathComponent(relative)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw XCTSkip("cannot read \(url.path)")
        }
        return text
    }
}
