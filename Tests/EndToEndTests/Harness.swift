import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Commands, paths and waiting helpers for the end-to-end tests, which drive the built `auspex` binary against the
/// real kernel audit subsystem and a real journald.
enum Harness {
    /// The value after `name ` in the stderr summary line of `auspex events` ("…, documents 8, …").
    static func summaryFigure(_ name: String, in stderr: String) -> Int? {
        guard let line = stderr.split(separator: "\n").last(where: { $0.contains("documents ") }) else { return nil }
        for part in line.split(separator: ",") {
            let words = part.split(separator: " ")
            if let last = words.last, words.dropLast().joined(separator: " ").hasSuffix(name) { return Int(last) }
        }
        return nil
    }

    /// Starts a program in the background, its output discarded; nil when it cannot start.
    static func background(_ executable: String, _ arguments: [String]) -> Process? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        return process
    }

    /// Polls `condition` every 10 ms until it holds or `seconds` pass.
    @discardableResult
    static func wait(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    // MARK: kernel audit

    /// Skips unless root with a usable audit subsystem, `ip` and `auditctl`.
    static func requireLiveAudit() throws {
        guard geteuid() == 0 else { throw XCTSkip("live audit tests need root") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/auditctl") else {
            throw XCTSkip("auditctl is not installed")
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") else { throw XCTSkip("ip is not installed") }
        guard auditPID() != nil else { throw XCTSkip("no kernel audit subsystem (auditctl -s failed)") }
    }

    /// The kernel's audit daemon pid (`auditctl -s`), nil when the status cannot be read.
    static func auditPID() -> Int? {
        guard let status = try? Subprocess.run("/usr/sbin/auditctl", ["-s"]), status.status == 0 else { return nil }
        for line in status.stdout.split(separator: "\n") where line.hasPrefix("pid ") {
            return Int(line.dropFirst(4))
        }
        return nil
    }

    /// Waits (up to a minute) until no process is the audit daemon: another engineer's live test may be running.
    static func waitForFreeAudit() throws {
        guard wait(seconds: 60, { auditPID() == 0 }) else {
            throw XCTSkip("the kernel audit socket stayed owned by pid \(auditPID() ?? -1) for a minute")
        }
    }

    /// Kernel audit rules carrying `key`: syscall rules (`-F key=KEY`) and file watches (`-w PATH -p r -k KEY`).
    static func auditRules(key: String) -> [String] {
        ((try? Subprocess.run("/usr/sbin/auditctl", ["-l"]))?.stdout ?? "").split(separator: "\n").map(String.init)
            .filter { $0.contains("key=\(key)") || $0.hasSuffix(" -k \(key)") || $0.contains(" -k \(key) ") }
    }

    // MARK: journald

    /// A journald the test started, to stop by pid at the end.
    final class Journald {
        private(set) var process: Process?

        /// Starts `/lib/systemd/systemd-journald` unless one runs already.
        init() throws {
            if try Subprocess.run("/usr/bin/pgrep", ["-x", "systemd-journal"]).status == 0 {
                process = nil
                return
            }
            guard FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd-journald") else {
                throw XCTSkip("no journald running and /lib/systemd/systemd-journald is absent")
            }
            try launch()
        }

        /// Whether this journald is the test's own (so the test may stop and restart it).
        var isOurs: Bool { process != nil }

        private func launch() throws {
            try FileManager.default.createDirectory(atPath: "/run/systemd/journal", withIntermediateDirectories: true)
            let journald = Process()
            journald.executableURL = URL(fileURLWithPath: "/lib/systemd/systemd-journald")
            journald.standardOutput = FileHandle.nullDevice
            journald.standardError = FileHandle.nullDevice
            try journald.run()
            process = journald
            Harness.wait(seconds: 5) { FileManager.default.fileExists(atPath: "/run/systemd/journal/socket") }
            // journald applies its Audit= setting (Debian: off, which turns kernel auditing off) during start-up,
            // after its socket exists: wait until it serves its first entry, so that no daemon started next sees
            // auditing switched off under it.
            let tag = "auspex-test-\(getpid())-\(UUID().uuidString.prefix(8))"
            // (No stdin pipe: a systemd-cat that gives up early would SIGPIPE the test process.)
            Harness.wait(seconds: 5) {
                _ = try? Subprocess.run("/usr/bin/systemd-cat", ["-t", tag, "/bin/echo", "journald ready"])
                let entries = try? Subprocess.run("/usr/bin/journalctl", ["--no-pager", "-o", "cat", "-t", tag])
                return entries?.stdout.contains("journald ready") == true
            }
        }

        /// Starts our journald again after `stop()`.
        func restart() throws {
            guard let process, !process.isRunning else { return }
            try launch()
        }

        func stop() {
            guard let process, process.isRunning else { return }
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    /// Journal entries (JSON objects) from `pid` whose `field` equals `value`.
    static func journalEntries(pid: Int32, field: String, value: String) -> [[String: Any]] {
        let journal = try? Subprocess.run("/usr/bin/journalctl",
                                          ["--no-pager", "-o", "json", "_PID=\(pid)", "\(field)=\(value)"])
        return (journal?.stdout ?? "").split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }
}
