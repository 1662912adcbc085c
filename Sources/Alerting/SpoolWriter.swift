import Foundation
import Glibc

/// Where and how much the spool keeps.
public struct SpoolConfiguration: Hashable, Sendable {
    /// The spool root; `tmp/` and `new/` live below it.
    public internal(set) var directory: String
    /// Retention: at most this many alert files in `new/` (oldest removed first).
    var maxFiles: Int
    /// Retention: at most this many bytes of alert files in `new/` (oldest removed first).
    var maxBytes: Int64
    /// Mode of each alert file (the directories get the same bits plus search permission).
    var fileMode: mode_t
    /// fsync each file before its rename and `new/` after it. Off trades crash safety for fewer disk
    /// flushes; the tmp → rename order still keeps partial files out of `new/`.
    var fsync: Bool

    public init(directory: String, maxFiles: Int = 10_000,
                maxBytes: Int64 = 256 << 20, fileMode: mode_t = 0o640, fsync: Bool = true)
    {
        self.directory = directory
        self.maxFiles = max(1, maxFiles)
        self.maxBytes = max(1, maxBytes)
        self.fileMode = fileMode
        self.fsync = fsync
    }
}

/// Writes one JSON file per alert into a maildir-like spool, crash-safely:
/// `tmp/<name>` is written, fsync'ed and renamed into `new/<name>`, then `new/` is fsync'ed, so a reader
/// that only looks in `new/` never sees a partial file, and an alert in `new/` survives a power cut.
///
/// Names are `<seconds>.<microseconds>P<pid>Q<sequence>.<alert id>.json`: unique per writer and sorted by
/// time, which is the order retention removes them in. The writer must be the only one of its spool.
/// Consumers may delete or move files in `new/`; retention then forgets them.
final class SpoolWriter: AlertWriter {
    let configuration: SpoolConfiguration
    private let tmpFD: Int32
    private let newFD: Int32
    private let pid = getpid()
    private var sequence: UInt64 = 0
    /// Files this writer knows in `new/`, oldest first, with their sizes.
    private var files: [(name: String, size: Int64)] = []
    private var oldest = 0
    private var totalBytes: Int64 = 0

    /// Creates `tmp/` and `new/` when missing, removes leftovers in `tmp/` (partial files of a crash) and
    /// indexes `new/` for retention. Each directory is opened without following symlinks and refused unless it
    /// belongs to the daemon's user (or root) and is not group- or world-writable; only names this writer's
    /// pattern produces are removed or counted (`SpoolDirectory`).
    init(configuration: SpoolConfiguration) throws {
        self.configuration = configuration
        let root = configuration.directory
        let directoryMode = configuration.fileMode | ((configuration.fileMode & 0o444) >> 2)
        let rootFD = try SpoolDirectory.openTrusted(root, in: nil, mode: directoryMode, display: root)
        defer { Glibc.close(rootFD) }
        tmpFD = try SpoolDirectory.openTrusted("tmp", in: rootFD, mode: directoryMode, display: root + "/tmp")
        do {
            newFD = try SpoolDirectory.openTrusted("new", in: rootFD, mode: directoryMode, display: root + "/new")
        } catch {
            Glibc.close(tmpFD)
            throw error
        }
        for name in SpoolDirectory.names(in: tmpFD) where SpoolDirectory.isSpoolName(name) {
            if SpoolDirectory.regularFileSize(name, in: tmpFD) != nil { unlinkat(tmpFD, name, 0) }
        }
        let existing = SpoolDirectory.names(in: newFD).filter(SpoolDirectory.isSpoolName).sorted()
        for name in existing {
            guard let size = SpoolDirectory.regularFileSize(name, in: newFD) else { continue }
            files.append((name, size))
            totalBytes += size
        }
    }

    /// Files retention could not remove (an unlink error other than ENOENT); they are skipped, not retried.
    private(set) var retentionErrors = 0
    private var pendingRetentionErrors = 0

    private func noteRetentionError(_ code: Int32, name: String) {
        if retentionErrors == 0 {
            let message = "auspex: spool retention could not remove new/\(name): \(String(cString: strerror(code)));"
                + " skipped (further failures are counted as retention_errors, not logged)\n"
            let bytes = Array(message.utf8)
            _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
        }
        retentionErrors += 1
        pendingRetentionErrors += 1
    }

    /// Alert files and bytes in `new/` as far as this writer knows.
    var retained: (files: Int, bytes: Int64) { (files.count - oldest, totalBytes) }

    func write(_ alert: Alert) throws -> AlertWriteReport {
        try write(batch: [alert])[0].get()
    }

    /// Writes and renames each alert, then fsyncs `new/` once for all of them (a burst costs one directory
    /// sync, not one per alert), then applies retention.
    func write(batch alerts: [Alert]) -> [Result<AlertWriteReport, any Error>] {
        var outcomes: [Result<AlertWriteReport, any Error>] = []
        var renamed: [Int] = []
        for alert in alerts {
            let name = nextName(for: alert)
            let bytes = alert.jsonLine
            do {
                try writeDurably(bytes, name: name)
                files.append((name, Int64(bytes.count)))
                totalBytes += Int64(bytes.count)
                renamed.append(outcomes.count)
                outcomes.append(.success(AlertWriteReport()))
            } catch {
                outcomes.append(.failure(error))
            }
        }
        guard let last = renamed.last else { return outcomes }
        // The rename is what makes an alert visible; its directory entry is durable only after this.
        if configuration.fsync && Glibc.fsync(newFD) != 0 {
            let error = AlertSinkError(code: errno, operation: "fsync new/")
            for index in renamed { outcomes[index] = .failure(error) }
        }
        let evicted = enforceRetention()
        let errors = pendingRetentionErrors
        pendingRetentionErrors = 0
        if evicted > 0 || errors > 0, case .success = outcomes[last] {
            outcomes[last] = .success(AlertWriteReport(evicted: evicted, retentionErrors: errors))
        }
        return outcomes
    }

    func close() {
        Glibc.close(tmpFD)
        Glibc.close(newFD)
    }

    private func nextName(for alert: Alert) -> String {
        sequence += 1
        let now = AlertTime.now()
        let micros = String(now.subsecondNanoseconds / 1000)
        // Alert ids are ours, but keep names to a safe alphabet whatever a caller put there.
        let id = String(alert.id.unicodeScalars.filter { $0.properties.isASCIIHexDigit || $0 == "-" }.prefix(64))
        return "\(now.seconds)." + String(repeating: "0", count: 6 - micros.count) + micros
            + "P\(pid)Q\(sequence).\(id).json"
    }

    /// tmp → write → fsync → rename into new/. On failure nothing is left in tmp/ or new/.
    private func writeDurably(_ bytes: [UInt8], name: String) throws {
        let fd = openat(tmpFD, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, configuration.fileMode)
        guard fd >= 0 else { throw AlertSinkError(code: errno, operation: "create tmp/\(name)") }
        func fail(_ operation: String, _ code: Int32, closing: Bool) -> AlertSinkError {
            if closing { Glibc.close(fd) }
            unlinkat(tmpFD, name, 0)
            return AlertSinkError(code: code, operation: operation + " tmp/\(name)")
        }
        if let code = writeAll(bytes, to: fd) { throw fail("write", code, closing: true) }
        if configuration.fsync && Glibc.fsync(fd) != 0 { throw fail("fsync", errno, closing: true) }
        if Glibc.close(fd) != 0 { throw fail("close", errno, closing: false) }
        if renameat(tmpFD, name, newFD, name) != 0 { throw fail("rename", errno, closing: false) }
    }

    /// Removes the oldest files until both limits hold; the newest file always stays.
    private func enforceRetention() -> Int {
        var removed = 0
        while files.count - oldest > 1,
              files.count - oldest > configuration.maxFiles || totalBytes > configuration.maxBytes
        {
            let victim = files[oldest]
            // ENOENT: a consumer took it already; either way it no longer counts. Any other error is counted
            // and logged once, and the file is skipped: retention goes on with the next one.
            if unlinkat(newFD, victim.name, 0) == 0 {
                removed += 1
            } else if errno != ENOENT {
                noteRetentionError(errno, name: victim.name)
            }
            oldest += 1
            totalBytes -= victim.size
        }
        // Compact the index now and then instead of shifting the array on every removal.
        if oldest > 1024 && oldest * 2 > files.count {
            files.removeFirst(oldest)
            oldest = 0
        }
        return removed
    }
}

extension SpoolWriter {
    /// A spool sink writing on its own thread behind a queue of `capacity` alerts.
    static func sink(configuration: SpoolConfiguration, capacity: Int = 4096, maxBytes: Int = 16 << 20) throws -> QueuedSink {
        QueuedSink(name: "spool", writer: try SpoolWriter(configuration: configuration), capacity: capacity,
                   maxBytes: maxBytes)
    }
}
