import Glibc

/// The trust checks and name rules of the spool (README "Security and reliability").
///
/// Every spool directory is opened with `O_NOFOLLOW | O_DIRECTORY` and then checked on the descriptor: it must
/// belong to the daemon's user (or root) and must not be group- or world-writable. Everything below is reached
/// through those descriptors (`openat`, `unlinkat`, `fdopendir`), so swapping a directory for a symlink after
/// the check changes nothing. Only names auspex itself writes are ever deleted.
enum SpoolDirectory {
    /// Opens `name` below `parent` (or the absolute `path` when `parent` is nil), creating it with `mode`
    /// when missing, and returns its descriptor once it passed the trust checks.
    static func openTrusted(_ name: String, in parent: Int32?, mode: mode_t, display: String) throws -> Int32 {
        let base = parent ?? AT_FDCWD
        if mkdirat(base, name, mode) != 0 && errno != EEXIST {
            throw AlertSinkError(code: errno, operation: "mkdir \(display)")
        }
        let fd = openat(base, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            var info = stat()
            if code == ELOOP || code == ENOTDIR, fstatat(base, name, &info, AT_SYMLINK_NOFOLLOW) == 0 {
                let what = info.st_mode & S_IFMT == S_IFLNK ? "a symlink" : "not a directory"
                throw AlertSinkError(code: code, operation: "open \(display) (refused: it is \(what); a spool directory must be a real directory)")
            }
            throw AlertSinkError(code: code, operation: "open \(display)")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw AlertSinkError(code: code, operation: "fstat \(display)")
        }
        if let problem = trustProblem(owner: info.st_uid, mode: info.st_mode) {
            Glibc.close(fd)
            throw AlertSinkError(code: EPERM, operation: "open \(display) (refused: \(problem))")
        }
        return fd
    }

    /// Why a directory with this owner and mode is not trusted, or nil when it is.
    static func trustProblem(owner: uid_t, mode: mode_t, user: uid_t = geteuid()) -> String? {
        if owner != user && owner != 0 {
            return "owned by uid \(owner), not by the daemon's user (uid \(user)) or root"
        }
        if mode & 0o022 != 0 {
            return "group- or world-writable (mode \(String(mode & 0o7777, radix: 8)))"
        }
        return nil
    }

    /// Names in the directory open as `fd` (not following a path again), without `.` and `..`.
    static func names(in fd: Int32) -> [String] {
        let copy = dup(fd)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { Glibc.close(copy) }
            return []
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Whether `name` is one auspex writes: `<sec>.<usec>P<pid>Q<seq>.<alert id>.json` (digits; six digits of
    /// microseconds; an id of at most 64 hex digits and dashes).
    static func isSpoolName(_ name: String) -> Bool {
        var bytes = Array(name.utf8)[...]
        func digits(exactly: Int? = nil) -> Bool {
            var count = 0
            while let b = bytes.first, b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                bytes = bytes.dropFirst()
                count += 1
            }
            return count > 0 && count <= 20 && (exactly == nil || count == exactly)
        }
        func literal(_ c: Character) -> Bool {
            guard bytes.first == c.asciiValue else { return false }
            bytes = bytes.dropFirst()
            return true
        }
        guard digits(), literal("."), digits(exactly: 6), literal("P"), digits(), literal("Q"), digits(),
              literal("."), bytes.count >= 5, bytes.count <= 69 else { return false }
        let id = bytes.dropLast(5), suffix = bytes.suffix(5)
        return Array(suffix) == Array(".json".utf8)
            && id.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) || $0 == 45 }
    }

    /// Whether `name` below `fd` is a regular file (never following a symlink), and its size.
    static func regularFileSize(_ name: String, in fd: Int32) -> Int64? {
        var info = stat()
        guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }
}
