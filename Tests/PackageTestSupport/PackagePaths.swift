import Foundation
import XCTest

/// Where the package, the reference data and the built executables are, for every test target: tests read
/// `../shared` in place and skip, with the reason printed, when it is absent.
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

    /// The build's products directory (what `swift build --show-bin-path` prints): the directory that holds this
    /// test bundle, `<name>.xctest` (an executable on Linux, a bundle directory on macOS). Nil when no path in
    /// sight names a `.xctest` bundle.
    public static let binDirectory: URL? = {
        var candidates = [URL(fileURLWithPath: CommandLine.arguments[0])]
        for bundle in [Bundle.main] + Bundle.allBundles {
            candidates.append(bundle.bundleURL)
            if let executable = bundle.executableURL { candidates.append(executable) }
        }
        for url in candidates {
            let components = url.standardizedFileURL.pathComponents
            if let bundle = components.lastIndex(where: { $0.hasSuffix(".xctest") }), bundle > 0 {
                return URL(fileURLWithPath: NSString.path(withComponents: Array(components[..<bundle])), isDirectory: true)
            }
        }
        return nil
    }()

    /// The `auspex` executable the build wrote beside the test bundle.
    public static func auspexBinary() throws -> URL { try builtExecutable("auspex") }

    /// The executable product `name` in ``binDirectory`` (only there: never a folder above it, which may be the
    /// checkout itself, named like the product), required to be a regular executable file.
    public static func builtExecutable(_ name: String) throws -> URL {
        guard let directory = binDirectory else {
            throw MissingProduct(description: "no .xctest bundle in \(CommandLine.arguments[0]) or the loaded bundles, "
                                 + "so the build's bin directory is unknown")
        }
        let url = directory.appendingPathComponent(name)
        let type = (try? FileManager.default.attributesOfItem(atPath: url.resolvingSymlinksInPath().path))?[.type]
        guard type as? FileAttributeType == .typeRegular, FileManager.default.isExecutableFile(atPath: url.path) else {
            throw MissingProduct(description: "\(url.path) is not a built executable (swift build --build-tests builds "
                                 + "it for the test targets that depend on it)")
        }
        return url
    }

    public struct MissingProduct: Error, CustomStringConvertible {
        public let description: String
    }
}
