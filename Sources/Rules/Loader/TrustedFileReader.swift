import Glibc

/// Reads configuration and rule files safely: the size cap is checked on the opened descriptor (`fstat`) and
/// at most cap + 1 bytes are ever read, so a symlink or a file swapped after a path check cannot make the
/// daemon read something huge; FIFOs and devices are refused without blocking. With `strict`, the file (and
/// each directory checked with `checkDirectory`) must belong to root or the daemon's user and must not be
/// group- or world-writable, like OpenSSH's StrictModes (README "Security and reliability").
enum TrustedFileReader {
    /// Why a file was not read; `description` is the diagnostic message.
    enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case cannotOpen(String)
        case notRegular
        case tooLarge(Int)
        case refused(String)

        var description: String {
            switch self {
            case .cannotOpen(let reason): return "cannot read file: \(reason)"
            case .notRegular: return "not a regular file"
            case .tooLarge(let cap): return "file is larger than \(cap) bytes; not read"
            case .refused(let why): return "refused: \(why)"
            }
        }
    }

    /// The bytes of the file at `path`, at most `maxBytes` of them.
    static func read(_ path: String, maxBytes: Int, strict: Bool) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else { return .failure(.cannotOpen(String(cString: strerror(errno)))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(.cannotOpen(String(cString: strerror(errno)))) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(.notRegular) }
        if strict, let problem = trustProblem(owner: info.st_uid, mode: info.st_mode, isDirectory: false) {
            return .failure(.refused("file " + problem))
        }
        guard Int64(info.st_size) <= Int64(maxBytes) else { return .failure(.tooLarge(maxBytes)) }
        // The file may grow after fstat: read at most one byte past the cap to tell. The buffer starts at the size
        // fstat gave (zeroing the whole cap cost a megabyte of memset per rule file) and grows to the cap.
        let limit = maxBytes + 1
        var bytes = [UInt8](repeating: 0, count: min(limit, Int(info.st_size) + 4096))
        var count = 0
        while count < limit {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, limit - count))) }
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.cannotOpen(String(cString: strerror(errno))))
            }
            if n == 0 { break }
            count += n
        }
        guard count <= maxBytes else { return .failure(.tooLarge(maxBytes)) }
        bytes.removeSubrange(count...)
        return .success(bytes)
    }

    /// Checks the directory at `path` (following symlinks, then checking what was opened) with the same
    /// ownership and mode rule; nil when it is trusted.
    static func checkDirectory(_ path: String) -> Failure? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECTORY)
        guard fd >= 0 else { return .cannotOpen(String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .cannotOpen(String(cString: strerror(errno))) }
        return trustProblem(owner: info.st_uid, mode: info.st_mode, isDirectory: true).map { .refused("directory " + $0) }
    }

    /// Owner root or the daemon's user, no group/world write; a root-owned sticky directory (`/tmp`) is
    /// accepted, as others cannot replace what is in it.
    static func trustProblem(owner: uid_t, mode: mode_t, isDirectory: Bool, user: uid_t = geteuid()) -> String? {
        if owner != 0 && owner != user {
            return "owned by uid \(owner), not by root or the daemon's user (uid \(user))"
        }
        if mode & 0o022 != 0 && !(isDirectory && owner == 0 && mode & S_ISVTX != 0) {
            return "group- or world-writable (mode \(String(mode & 0o7777, radix: 8)))"
        }
        return nil
    }

    /// The directory holding `path` (`.` for a bare name).
    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
