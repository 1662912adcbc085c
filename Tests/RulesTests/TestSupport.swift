import Foundation
@testable import Rules
import PackageTestSupport
import XCTest

/// A fresh temporary directory, removed when the test ends.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "auspex-rules-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}

/// The Elastic corpus, loaded once for all tests that need it (loading 320 files takes a second or more).
enum Corpus {
    private static let active: String? = try? PackagePaths.shared("detection-rules/linux-eql").path

    /// Active and deprecated rules together.
    static let everything: RuleLoadReport? = active.map { RuleLoader().load(paths: [$0, $0 + "/_deprecated"]) }

    static func report() throws -> RuleLoadReport {
        guard let everything else { throw XCTSkip("shared detection-rules corpus not found") }
        return everything
    }

    static func directory() throws -> String {
        guard let active else { throw XCTSkip("shared detection-rules corpus not found") }
        return active
    }
}
