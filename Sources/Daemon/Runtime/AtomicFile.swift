import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Replaces a file's contents so a reader sees the old or the new whole file, never a part: written beside it as
/// `<path>.tmp`, then renamed over it.
enum AtomicFile {
    /// Writes `text` to `path` (mode 0644) through `<path>.tmp`; creates missing parent directories when asked.
    static func write(_ text: String, to path: String, createDirectory: Bool = false) throws {
        if createDirectory {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
        }
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: 0o644]) else {
            throw AtomicFileError(path: temporary, operation: "create", code: errno)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw AtomicFileError(path: path, operation: "rename", code: code)
        }
    }
}

struct AtomicFileError: Error, CustomStringConvertible, Equatable {
    var path: String
    var operation: String
    var code: Int32
    var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
}
