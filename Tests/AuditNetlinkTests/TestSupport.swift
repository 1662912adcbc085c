import Foundation
import PackageTestSupport
import XCTest

/// Paths and subprocesses shared by the tests that run the built `auspex` binary.
enum TestSupport {
    /// `../shared` beside the package (with its audit samples), or skip.
    static func sharedDirectory() throws -> URL {
        try PackagePaths.shared("audit-samples").deletingLastPathComponent()
    }

    /// The `auspex` executable in the build directory that holds this test bundle, or skip.
    static func auspexBinary() throws -> URL {
        var candidates: [URL] = []
        for bundle in [Bundle.main] + Bundle.allBundles {
            candidates.append(bundle.bundleURL.deletingLastPathComponent())
            if let executable = bundle.executableURL { candidates.append(executable.deletingLastPathComponent()) }
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for directory in candidates {
            var url = directory
            // The xctest bundle may be a directory (…/debug/X.xctest/…): climb until a sibling `auspex` shows up.
            for _ in 0..<4 {
                let binary = url.appendingPathComponent("auspex")
                if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
                url.deleteLastPathComponent()
            }
        }
        throw XCTSkip("built auspex binary not found next to the test bundle (run swift build first)")
    }

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `executable` to completion with `input` on stdin; output goes through temporary files (no pipe deadlock).
    static func run(_ executable: URL, _ arguments: [String], input: Data? = nil) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = try TemporaryFile(), err = try TemporaryFile()
        process.standardOutput = out.handle
        process.standardError = err.handle
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        try process.run()
        if let input {
            try stdin.fileHandleForWriting.write(contentsOf: input)
            try stdin.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: out.contents(), stderr: err.contents())
    }

    /// A file under the temporary directory, removed on deinit.
    final class TemporaryFile {
        let url: URL
        let handle: FileHandle
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("auspex-test-\(UUID().uuidString)")
            FileManager.default.createFile(atPath: url.path, contents: nil)
            handle = try FileHandle(forWritingTo: url)
        }
        func contents() -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
        deinit {
            try? handle.close()
            try? FileManager.default.removeItem(at: url)
        }
    }

    /// The value after `name ` in the stderr summary line ("…, documents 8, …").
    static func summaryFigure(_ name: String, in stderr: String) -> Int? {
        guard let line = stderr.split(separator: "\n").last(where: { $0.contains("documents ") }) else { return nil }
        for part in line.split(separator: ",") {
            let words = part.split(separator: " ")
            if let last = words.last, words.dropLast().joined(separator: " ").hasSuffix(name) { return Int(last) }
        }
        return nil
    }
}
