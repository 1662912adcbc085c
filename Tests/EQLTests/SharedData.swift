import Foundation
import XCTest

/// Locates `../shared` from the package root (found by walking up from this file).
enum SharedData {
    static func root(file: StaticString = #filePath) throws -> URL {
        var url = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                let shared = url.deletingLastPathComponent().appendingPathComponent("shared")
                guard FileManager.default.fileExists(atPath: shared.path) else {
                    throw XCTSkip("../shared is absent: conformance data not available")
                }
                return shared
            }
            url = url.deletingLastPathComponent()
        }
        throw XCTSkip("package root not found from \(file)")
    }

    static func text(_ relative: String) throws -> String {
        let url = try root().appendingPathComponent(relative)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw XCTSkip("cannot read \(url.path)")
        }
        return text
    }
}
