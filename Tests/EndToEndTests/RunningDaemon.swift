import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory with a configuration, a rules directory and a spool for one daemon run.
final class Workdir {
    let root: String
    var config: String { root + "/auspex.toml" }
    var rules: String { root + "/rules.d" }
    var spool: String { root + "/spool" }
    var stderrLog: String { root + "/stderr.log" }

    init() throws {
        root = NSTemporaryDirectory() + "auspex-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root + "/rules.d", withIntermediateDirectories: true)
        try """
            [daemon]
            state_file = "\(root)/state.json"
            kernel_state_file = "\(root)/kernel-state"
            status_interval_seconds = 1
            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// Copies a rule of the repository's default pack into the rules directory.
    func addPackRule(_ name: String) throws {
        let source = PackagePaths.root.appendingPathComponent("etc/auspex/rules.d/" + name).path
        try FileManager.default.copyItem(atPath: source, toPath: rules + "/" + name)
    }

    func write(rule text: String, as name: String) throws {
        try text.write(toFile: rules + "/" + name, atomically: true, encoding: .utf8)
    }

    /// The alerts in the spool (`new/*.json`), parsed.
    func spooledAlerts() -> [[String: Any]] {
        let directory = spool + "/new"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        return names.compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { return nil }
            return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}

/// The built `auspex` binary started in the foreground, stderr captured to a file; stopped by its pid.
final class RunningDaemon {
    let process = Process()
    let stderrLog: String

    init(binary: String, arguments: [String], stderrLog: String) throws {
        self.stderrLog = stderrLog
        FileManager.default.createFile(atPath: stderrLog, contents: nil)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: stderrLog)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var stderr: String { (try? String(contentsOfFile: stderrLog, encoding: .utf8)) ?? "" }

    /// Waits until the daemon reads the kernel (or exits early).
    func waitUntilReading(seconds: Double = 20) -> Bool {
        Harness.wait(seconds: seconds) { stderr.contains("reading the kernel audit stream") || !process.isRunning }
            && process.isRunning
    }

    func signal(_ number: Int32) {
        if process.isRunning { kill(pid, number) }
    }

    /// SIGTERM, then the exit status (SIGKILL after `seconds`, reported as -1).
    @discardableResult
    func stop(seconds: Double = 15) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(pid, SIGTERM)
        if !Harness.wait(seconds: seconds, { !process.isRunning }) {
            kill(pid, SIGKILL)
            process.waitUntilExit()
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

extension Dictionary where Key == String, Value == Any {
    /// A dotted path into nested JSON objects (`rule.id`, `process.name`).
    func value(at path: String) -> Any? {
        var current: Any? = self
        for part in path.split(separator: ".") {
            current = (current as? [String: Any])?[String(part)]
        }
        return current
    }

    var ruleID: String? { value(at: "rule.id") as? String }
    var events: [[String: Any]] { (self["events"] as? [[String: Any]]) ?? [] }
}
