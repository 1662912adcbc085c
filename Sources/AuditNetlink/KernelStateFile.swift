#if canImport(Glibc)
import Glibc
#endif

/// One process, told apart from a later process that reuses its pid: the pid plus its start time in clock ticks
/// since boot (`/proc/PID/stat` field 22). Only meaningful within one boot.
struct ProcessIdentity: Equatable, Sendable {
    var pid: Int32
    var startTime: UInt64

    init(pid: Int32, startTime: UInt64) {
        self.pid = pid
        self.startTime = startTime
    }

    /// This process, or nil without /proc.
    static func current() -> ProcessIdentity? { of(pid: getpid()) }

    /// The process running as `pid` now, or nil when there is none (or only its zombie).
    static func of(pid: Int32) -> ProcessIdentity? {
        guard pid > 0, let stat = readSmallFile("/proc/\(pid)/stat", limit: 4096) else { return nil }
        // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
        // fields[0] is field 3 (state), so field 22 (starttime) is fields[19]. A zombie (Z, or X while being
        // reaped) has ended: a killed run stays one until its parent reaps it.
        guard fields.count > 19, let state = fields[0].first, state != UInt8(ascii: "Z"), state != UInt8(ascii: "X"),
              let startTime = UInt64(String(decoding: fields[19], as: UTF8.self)) else { return nil }
        return ProcessIdentity(pid: pid, startTime: startTime)
    }

    /// Whether this very process (not a later one with the same pid) is still running.
    var isRunning: Bool { Self.of(pid: pid) == self }
}

/// What a run records before it changes the kernel's audit settings: the values to put back, who changed them
/// and in which boot. A run that dies without restoring (SIGKILL, crash) leaves it for the next run.
struct KernelStateRecord: Equatable, Sendable {
    /// `/proc/sys/kernel/random/boot_id` when written: settings do not survive a reboot, so neither does the record.
    var bootID: String
    var owner: ProcessIdentity
    /// The original value of each setting the run changes (pid is never set: the kernel releases it by itself).
    var originals: AuditStatusChange

    init(bootID: String, owner: ProcessIdentity, originals: AuditStatusChange) {
        self.bootID = bootID
        self.owner = owner
        self.originals = originals
    }

    static let version = "1"

    /// `key=value` lines; only the changed settings appear.
    var text: String {
        var lines = ["# auspex: kernel audit settings to restore (written before auspex changed them)",
                     "version=\(Self.version)", "boot_id=\(bootID)", "pid=\(owner.pid)", "start_time=\(owner.startTime)"]
        if let enabled = originals.enabled { lines.append("enabled=\(enabled)") }
        if let backlogLimit = originals.backlogLimit { lines.append("backlog_limit=\(backlogLimit)") }
        if let backlogWaitTime = originals.backlogWaitTime { lines.append("backlog_wait_time=\(backlogWaitTime)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses `text`; anything unexpected (unknown or repeated key, bad number, missing field) is an error.
    init(parsing bytes: [UInt8]) throws(KernelStateFileError) {
        var values: [String: String] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.first != UInt8(ascii: "#") {
            guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else {
                throw .corrupt("line without '=': \(Self.excerpt(line))")
            }
            let key = String(decoding: line[..<equals], as: UTF8.self)
            guard ["version", "boot_id", "pid", "start_time", "enabled", "backlog_limit", "backlog_wait_time"].contains(key) else {
                throw .corrupt("unknown key \(Self.excerpt(line[..<equals]))")
            }
            guard values.updateValue(String(decoding: line[(equals + 1)...], as: UTF8.self), forKey: key) == nil else {
                throw .corrupt("\(key) given twice")
            }
        }
        guard values["version"] == Self.version else { throw .corrupt("version is not \(Self.version)") }
        guard let bootID = values["boot_id"], !bootID.isEmpty else { throw .corrupt("no boot_id") }
        func number<T: FixedWidthInteger>(_ key: String, _: T.Type) throws(KernelStateFileError) -> T? {
            guard let text = values[key] else { return nil }
            guard let value = T(text), value >= 0 else { throw .corrupt("\(key) is not a number: \(text.prefix(40))") }
            return value
        }
        guard let pid = try number("pid", Int32.self), pid > 0, let startTime = try number("start_time", UInt64.self) else {
            throw .corrupt("no pid or start_time")
        }
        self.init(bootID: bootID, owner: ProcessIdentity(pid: pid, startTime: startTime),
                  originals: AuditStatusChange(enabled: try number("enabled", UInt32.self),
                                               backlogLimit: try number("backlog_limit", UInt32.self),
                                               backlogWaitTime: try number("backlog_wait_time", UInt32.self)))
    }

    private static func excerpt(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes.prefix(40), as: UTF8.self).debugDescription
    }
}

public enum KernelStateFileError: Error, Equatable, CustomStringConvertible {
    case corrupt(String)
    case system(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .corrupt(let reason): return "corrupt: \(reason)"
        case .system(let operation, let code): return "\(operation): \(String(cString: strerror(code)))"
        }
    }
}

/// The record on disk (default /run/auspex/kernel-state): written atomically (temporary file, fsync, rename,
/// fsync of the directory), so a crash leaves either the old record or the new one, never half of one.
struct KernelStateFile: Sendable {
    static let defaultPath = "/run/auspex/kernel-state"
    /// Larger files are not ours.
    static let sizeLimit = 4096

    enum Contents: Equatable, Sendable {
        case absent
        case record(KernelStateRecord)
        case unreadable(KernelStateFileError)
    }

    let path: String

    init(path: String) { self.path = path }

    func read() -> Contents {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            return errno == ENOENT ? .absent : .unreadable(.system(operation: "open \(path)", errno: errno))
        }
        defer { close(descriptor) }
        guard let bytes = readAll(descriptor, limit: Self.sizeLimit) else {
            return .unreadable(.corrupt("not a regular file of at most \(Self.sizeLimit) bytes"))
        }
        do { return .record(try KernelStateRecord(parsing: bytes)) } catch { return .unreadable(error) }
    }

    /// Replaces the file with `record`; creates the directory (mode 0700) when it is missing.
    func write(_ record: KernelStateRecord) throws(KernelStateFileError) {
        let directory = Self.directory(of: path)
        if mkdir(directory, 0o700) != 0, errno != EEXIST { throw .system(operation: "mkdir \(directory)", errno: errno) }
        let temporary = "\(path).tmp.\(getpid())"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw .system(operation: "create \(temporary)", errno: errno) }
        let bytes = Array(record.text.utf8)
        var written = 0
        var failure: Int32 = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                failure = count < 0 ? errno : EIO  // a write of nothing would loop forever; a short file is no record
                break
            }
            written += count
        }
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        guard failure == 0, rename(temporary, path) == 0 else {
            let code = failure != 0 ? failure : errno
            unlink(temporary)
            throw .system(operation: "write \(path)", errno: code)
        }
        try syncDirectory(directory)
    }

    /// Removes the file (absent is fine).
    func remove() throws(KernelStateFileError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw .system(operation: "unlink \(path)", errno: errno) }
        try syncDirectory(Self.directory(of: path))
    }

    /// This boot's id, or nil when the kernel does not provide one.
    static func currentBootID() -> String? {
        guard let bytes = readSmallFile("/proc/sys/kernel/random/boot_id", limit: 128) else { return nil }
        let id = String(decoding: bytes, as: UTF8.self).trimmingWhitespace
        return id.isEmpty ? nil : id
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private func syncDirectory(_ directory: String) throws(KernelStateFileError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system(operation: "open \(directory)", errno: errno) }
        defer { close(descriptor) }
        if fsync(descriptor) != 0 { throw .system(operation: "fsync \(directory)", errno: errno) }
    }
}

/// The whole file if it is regular and at most `limit` bytes, else nil.
func readSmallFile(_ path: String, limit: Int) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)  // a FIFO must not block the start
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    return readAll(descriptor, limit: limit)
}

private func readAll(_ descriptor: Int32, limit: Int) -> [UInt8]? {
    var info = stat()
    guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    var bytes = [UInt8](repeating: 0, count: limit + 1)
    var total = 0
    while total <= limit {
        let count = bytes[total...].withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        guard count >= 0 else { return nil }
        if count == 0 { break }
        total += count
    }
    return total <= limit ? Array(bytes[..<total]) : nil
}

extension String {
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
