import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `auspex run` the way systemd/auspex.service runs it: as the unit's user (created from systemd/auspex.sysusers when
/// missing, removed afterwards), with only the capabilities the unit grants (read from the unit), its Nice and UMask,
/// no new privileges, and the file system read-only except the spool and the runtime directory (a private mount
/// namespace stands in for ProtectSystem=strict + ReadWritePaths + RuntimeDirectory). A UDP reverse shell must
/// raise its alert in the spool and the journal.
final class ServiceAsShippedTests: XCTestCase {
    private var run: LiveRun?
    private var createdUser: String?

    override func tearDown() {
        run?.finish()
        if let createdUser {
            _ = try? Subprocess.run("/usr/sbin/userdel", [createdUser])
            _ = try? Subprocess.run("/usr/sbin/groupdel", [createdUser])
        }
        super.tearDown()
    }

    /// `Key=` values of the unit's [Service] section (a key given twice keeps both values, in order).
    static func serviceSettings() throws -> [String: [String]] {
        let unit = try String(contentsOf: PackagePaths.root.appendingPathComponent("systemd/auspex.service"), encoding: .utf8)
        var settings: [String: [String]] = [:]
        var inService = false
        for line in unit.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("[") { inService = line == "[Service]"; continue }
            guard inService, !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            settings[String(line[..<equals]), default: []].append(String(line[line.index(after: equals)...]))
        }
        return settings
    }

    /// `CAP_AUDIT_READ CAP_AUDIT_CONTROL` → `+audit_read,+audit_control` (setpriv's spelling).
    static func setprivCaps(_ unitValue: String) -> String {
        unitValue.split(separator: " ").map { "+" + $0.lowercased().replacingOccurrences(of: "cap_", with: "") }
            .joined(separator: ",")
    }

    /// The capability bits of a unit's list (linux/capability.h numbers of the capabilities such a unit may name).
    static func capabilityMask(_ unitValue: String) throws -> UInt64 {
        let bits = ["CAP_AUDIT_WRITE": 29, "CAP_AUDIT_CONTROL": 30, "CAP_SYSLOG": 34, "CAP_AUDIT_READ": 37,
                    "CAP_SYS_PTRACE": 19, "CAP_DAC_READ_SEARCH": 2, "CAP_SYS_NICE": 23]
        return try unitValue.split(separator: " ").reduce(0) { mask, name in
            mask | (1 << UInt64(try XCTUnwrap(bits[String(name)], "capability \(name) not in the test's table")))
        }
    }

    func testTheShippedUnitsUserAndCapabilitiesDetectAUDPReverseShell() throws {
        for tool in ["/usr/bin/setpriv", "/usr/bin/unshare", "/usr/bin/systemd-sysusers"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is not installed")
        }
        let unit = try Self.serviceSettings()
        let user = try XCTUnwrap(unit["User"]?.last), group = try XCTUnwrap(unit["Group"]?.last)
        let ambient = try XCTUnwrap(unit["AmbientCapabilities"]?.last, "the unit grants capabilities")
        let bounding = try XCTUnwrap(unit["CapabilityBoundingSet"]?.last)
        XCTAssertEqual(unit["ProtectSystem"]?.last, "strict", "the mount emulation below assumes ProtectSystem=strict")

        let run = try LiveRun(withHost: true)
        self.run = run
        if getpwnam(user) == nil {
            let sysusers = PackagePaths.root.appendingPathComponent("systemd/auspex.sysusers").path
            let created = try Subprocess.run("/usr/bin/systemd-sysusers", [sysusers])
            XCTAssertEqual(created.status, 0, created.stderr)
            createdUser = user
        }
        let account = try XCTUnwrap(getpwnam(user), "systemd-sysusers created \(user)")
        let (uid, gid) = (account.pointee.pw_uid, account.pointee.pw_gid)

        // The spool (tmpfiles: 0750 auspex:auspex) and the runtime directory (RuntimeDirectoryMode=0750).
        let work = run.work
        try work.addPackRule(LiveDaemonTests.ourRuleFile)
        let runtime = work.root + "/run"
        for directory in [work.spool, runtime] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            XCTAssertEqual(chown(directory, uid, gid), 0)
            XCTAssertEqual(chmod(directory, 0o750), 0)
        }
        let daemonArguments = run.runArguments + [
            "--set", "daemon.state_file=\(runtime)/state.json", "--set", "daemon.kernel_state_file=\(runtime)/kernel-state",
        ]
        let setpriv = ["/usr/bin/setpriv", "--reuid", user, "--regid", group, "--init-groups", "--nnp",
                       "--inh-caps", Self.setprivCaps(ambient), "--ambient-caps", Self.setprivCaps(ambient),
                       "--bounding-set", "-all," + Self.setprivCaps(bounding)]
        let nice = unit["Nice"]?.last.map { ["/usr/bin/nice", "-n", $0] } ?? []
        let quoted = (nice + setpriv + [run.binary] + daemonArguments).map { "'" + $0 + "'" }.joined(separator: " ")
        // ReadWritePaths and the runtime directory become mounts of their own, then everything else read-only.
        let script = """
            set -e
            for path in '\(work.spool)' '\(runtime)'; do mount --bind "$path" "$path"; done
            mount -o remount,bind,ro /
            umask \(unit["UMask"]?.last ?? "0022")
            exec \(quoted)
            """
        let daemon = try RunningDaemon(binary: "/usr/bin/unshare",
                                       arguments: ["--mount", "--propagation", "private", "/bin/sh", "-c", script],
                                       stderrLog: work.stderrLog)
        run.adopt(daemon)
        XCTAssertTrue(daemon.waitUntilReading(), "the daemon did not start as \(user):\n\(daemon.stderr)")

        // It runs as the unit's user with exactly the unit's capabilities.
        let status = (try? String(contentsOfFile: "/proc/\(daemon.pid)/status", encoding: .utf8)) ?? ""
        XCTAssertTrue(status.contains("\nUid:\t\(uid)\t\(uid)\t\(uid)\t\(uid)\n"), status)
        let effective = status.split(separator: "\n").first { $0.hasPrefix("CapEff:") }.map { String($0.dropFirst(7)) }
        XCTAssertEqual(effective.flatMap { UInt64($0.trimmingCharacters(in: .whitespaces), radix: 16) },
                       try Self.capabilityMask(ambient), "CapEff of the daemon: \(effective ?? "?")")
        XCTAssertEqual(Harness.auditPID(), Int(daemon.pid), "the unprivileged daemon owns the audit socket")

        let host = try XCTUnwrap(run.host)
        XCTAssertEqual(host.bash("exec 3<>/dev/udp/\(TestHost.address)/4444"), 0)
        XCTAssertTrue(Harness.wait(seconds: 3) { !run.alerts(rule: LiveDaemonTests.ourRuleID).isEmpty },
                      "the reverse shell's alert in the spool:\n\(daemon.stderr)")
        XCTAssertTrue(Harness.wait(seconds: 3) {
            !Harness.journalEntries(pid: daemon.pid, field: "AUSPEX_RULE_ID", value: LiveDaemonTests.ourRuleID).isEmpty
        }, "and in the journal")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: work.spool + "/new")) ?? []
        let info = try FileManager.default.attributesOfItem(atPath: work.spool + "/new/" + (files.first ?? ""))
        XCTAssertEqual((info[.ownerAccountID] as? NSNumber)?.uint32Value, uid, "alert files belong to \(user)")
        XCTAssertTrue(Harness.wait(seconds: 3) { FileManager.default.fileExists(atPath: runtime + "/state.json") },
                      "the state file in the runtime directory")
        run.stop()
        XCTAssertFalse(FileManager.default.fileExists(atPath: runtime + "/kernel-state"), "kernel settings restored")
    }
}
