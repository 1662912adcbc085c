import Foundation
import PackageTestSupport
import XCTest

/// Text files of `../shared`.
enum SharedData {
    static func text(_ relative: String) throws -> String {
        let url = try PackagePaths.shared().appendingPathComponent(relative)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw XCTSkip("cannot read \(url.path)")
        }
        return text
    }
}
