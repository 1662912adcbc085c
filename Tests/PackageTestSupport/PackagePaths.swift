import Foundation
import XCTest

/// Where the package and the reference data are, for every test target: tests read `../shared` in place and skip,
/// with the reason printed, when it is absent.
public enum PackagePaths {
    /// The package root (the folder that holds Package.swift), found from this file's path.
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `../shared` beside the package root, or a skip when the reference data is absent.
    public static func shared() throws -> URL {
        let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
        guard FileManager.default.fileExists(atPath: shared.path) else {
            throw XCTSkip("reference data ../shared is absent (looked for \(shared.path))")
        }
        return shared
    }

    /// A path inside `../shared`, or a skip naming what is missing.
    public static func shared(_ relative: String) throws -> URL {
        let url = try shared().appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("reference data ../shared/\(relative) is absent")
        }
        return url
    }
}
