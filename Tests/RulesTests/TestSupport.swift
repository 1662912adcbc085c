import Foundation
import XCTest

/// Paths the tests use: the package root (found from this file) and the shared reference data beside it.
enum TestPaths {
    static var packageRoot: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }

    static func shared(_ relative: String) throws -> String {
        let path = packageRoot.appendingPathComponent("../shared").appendingPathComponent(relative).standardized.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("shared reference data not found at \(path)")
        }
        return path
    }

    static func inPackage(_ relative: String) -> String { packageRoot.appendingPathComponent(relative).path }
}

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
