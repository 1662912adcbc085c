import Foundation

/// Builders shared by the Daemon tests.
enum Fixtures {
    /// A fresh directory under the temporary directory; the caller removes it.
    static func temporaryDirectory(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "auspex-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
