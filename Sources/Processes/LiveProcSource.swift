#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The real `/proc` (or another procfs mount, for tests that point at a copy-free fake tree).
struct LiveProcSource: ProcSource {
    let root: String
    let system: ProcSystemFacts

    /// Reads the host-wide facts once. `root` is the procfs mount point.
    init(root: String = "/proc") {
        self.root = root
        let bootID = ProcFile.read(root + "/sys/kernel/random/boot_id", limit: 128)
            .map { String(decoding: $0, as: UTF8.self).filter { !$0.isWhitespace } } ?? "unknown-boot"
        var namespace: UInt64 = 0
        if let link = ProcFile.readLink(root + "/self/ns/pid"),  // "pid:[4026531836]"
           let open = link.firstIndex(of: "["), let close = link.lastIndex(of: "]"), open < close {
            namespace = UInt64(link[link.index(after: open)..<close]) ?? 0
        }
        var bootSeconds: Int64 = 0
        if let stat = ProcFile.read(root + "/stat", limit: 1 << 20) {
            for line in stat.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("btime ".utf8)) {
                bootSeconds = Int64(String(decoding: line.dropFirst(6), as: UTF8.self)) ?? 0
            }
        }
        let ticks = Int64(sysconf(Int32(_SC_CLK_TCK)))
        system = ProcSystemFacts(bootID: bootID, pidNamespace: namespace, bootTimeNanos: bootSeconds * 1_000_000_000,
                                 clockTicksPerSecond: ticks > 0 ? ticks : 100)
    }

    func listPids() -> [Int32] {
        guard let directory = opendir(root) else { return [] }
        defer { closedir(directory) }
        var pids: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let pid = Int32(name), pid > 0 { pids.append(pid) }
        }
        return pids
    }

    func startTicks(of pid: Int32) -> UInt64? {
        guard let bytes = ProcFile.read("\(root)/\(pid)/stat", limit: 4096) else { return nil }
        return ProcStatLine(bytes)?.startTicks
    }

    func threadGroupID(of pid: Int32) -> Int32? {
        // Tgid is the fourth line of status (Name, Umask, State, Tgid): the first chunk holds it.
        guard let status = ProcFile.read("\(root)/\(pid)/status", limit: 512) else { return nil }
        for line in status.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("Tgid:".utf8)) {
            return ProcFile.numbers(line.dropFirst(5)).first.flatMap { Int32(exactly: $0) }
        }
        return nil
    }

    func snapshot(of pid: Int32) -> ProcSnapshot? {
        let base = "\(root)/\(pid)"
        guard let statBytes = ProcFile.read(base + "/stat", limit: 4096), let stat = ProcStatLine(statBytes) else {
            return nil
        }
        var snapshot = ProcSnapshot(pid: pid, parentPid: stat.parentPid, processGroup: stat.processGroup,
                                    sessionID: stat.sessionID, ttyNumber: stat.ttyNumber, startTicks: stat.startTicks,
                                    name: stat.name)
        snapshot.executable = ProcFile.readLink(base + "/exe")
        if let cmdline = ProcFile.read(base + "/cmdline", limit: 64 * 1024) {
            var parts = cmdline.split(separator: 0, omittingEmptySubsequences: false)
            if parts.last?.isEmpty == true { parts.removeLast() }
            snapshot.args = parts.map { String(decoding: $0, as: UTF8.self) }
        }
        snapshot.workingDirectory = ProcFile.readLink(base + "/cwd")
        if let status = ProcFile.read(base + "/status", limit: 16 * 1024) {
            for line in status.split(separator: UInt8(ascii: "\n")) {
                if line.starts(with: Array("Uid:".utf8)) {
                    let ids = ProcFile.numbers(line.dropFirst(4))
                    snapshot.uid = ids.first
                    snapshot.euid = ids.dropFirst().first
                } else if line.starts(with: Array("Gid:".utf8)) {
                    let ids = ProcFile.numbers(line.dropFirst(4))
                    snapshot.gid = ids.first
                    snapshot.egid = ids.dropFirst().first
                }
            }
        }
        // Verify the pid was not reused while we read: the start time must not have changed.
        guard startTicks(of: pid) == stat.startTicks else { return nil }
        return snapshot
    }
}

/// `/proc/<pid>/stat`: `pid (comm) state ppid pgrp session tty_nr … starttime(22) …`. `comm` may hold spaces and
/// parentheses, so the fields start after the last `)`.
struct ProcStatLine {
    var name: String
    var parentPid: Int32, processGroup: Int32, sessionID: Int32, ttyNumber: Int32
    var startTicks: UInt64

    init?(_ bytes: [UInt8]) {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")), open < close else { return nil }
        name = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        // fields[0] is the state (stat field 3); field n is fields[n - 3].
        guard fields.count > 19,
              let ppid = Int32(String(decoding: fields[1], as: UTF8.self)),
              let pgrp = Int32(String(decoding: fields[2], as: UTF8.self)),
              let session = Int32(String(decoding: fields[3], as: UTF8.self)),
              let tty = Int32(String(decoding: fields[4], as: UTF8.self)),
              let start = UInt64(String(decoding: fields[19], as: UTF8.self)) else { return nil }
        parentPid = ppid
        processGroup = pgrp
        sessionID = session
        ttyNumber = tty
        startTicks = start
    }
}

/// Small, bounded file reads for procfs (files report size 0, so read until EOF).
enum ProcFile {
    static func read(_ path: String, limit: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while result.count < limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 { return nil }
            if count == 0 { break }
            result.append(contentsOf: chunk[0..<min(count, limit - result.count)])
        }
        return result
    }

    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func numbers(_ bytes: ArraySlice<UInt8>) -> [UInt32] {
        bytes.split(whereSeparator: { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: " ") })
            .compactMap { UInt32(String(decoding: $0, as: UTF8.self)) }
    }
}
