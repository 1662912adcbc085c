import Foundation

/// Runs programs for the tests: output goes through temporary files, so a chatty child cannot block on a full pipe
/// and a background grandchild holding the output open cannot hang the test.
public enum Subprocess {
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `executable` to completion with `input` (if any) on stdin.
    public static func run(_ executable: URL, _ arguments: [String], input: Data? = nil) throws -> Result {
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
        return Result(status: process.terminationStatus, stdout: out.contents(), stderr: err.contents())
    }

    /// Runs the program at `path` to completion with `input` (if any) on stdin.
    public static func run(_ path: String, _ arguments: [String], input: Data? = nil) throws -> Result {
        try run(URL(fileURLWithPath: path), arguments, input: input)
    }
}

/// A file under the temporary directory, open for writing (a child's stdout or stderr), removed on deinit.
public final class TemporaryFile {
    public let url: URL
    public let handle: FileHandle

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("auspex-test-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = try FileHandle(forWritingTo: url)
    }

    /// What has been written so far, as UTF-8 text.
    public func contents() -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }

    deinit {
        try? handle.close()
        try? FileManager.default.removeItem(at: url)
    }
}
