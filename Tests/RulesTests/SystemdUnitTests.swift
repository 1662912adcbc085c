import Foundation
import PackageTestSupport
import XCTest
@testable import Rules

/// The shipped unit and tmpfiles agree with the configuration defaults, and systemd accepts them.
final class SystemdUnitTests: XCTestCase {
    private var unitPath: String { PackagePaths.root.appendingPathComponent("systemd/auspex.service").path }

    private func directives(_ path: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            result[String(line[..<equals]), default: []].append(String(line[line.index(after: equals)...]))
        }
        return result
    }

    func testUnitMatchesConfigurationDefaults() throws {
        let unit = try directives(unitPath)
        let defaults = AuspexConfig()
        XCTAssertEqual(unit["Type"], ["notify"])
        XCTAssertEqual(unit["ExecStart"], ["/usr/local/bin/auspex run"])
        XCTAssertEqual(unit["ExecReload"], ["/bin/kill -HUP $MAINPID"])
        XCTAssertEqual(unit["RestartPreventExitStatus"], ["64 77 78"])
        XCTAssertEqual(unit["LogRateLimitIntervalSec"], ["0"])
        // Bounded: a flood cannot make auspex take the host's memory or threads.
        XCTAssertEqual(unit["MemoryMax"], ["512M"])
        XCTAssertEqual(unit["MemoryHigh"], ["384M"])
        XCTAssertEqual(unit["TasksMax"], ["64"])
        // The seccomp filter refuses setpriority: the unit applies [daemon] nice.
        XCTAssertEqual(unit["Nice"], [String(defaults.daemon.nice)])
        XCTAssertEqual(unit["ReadWritePaths"], [defaults.spool.dir])
        XCTAssertEqual(unit["RuntimeDirectory"].map { $0.map { "/run/" + $0 } },
                       [(defaults.daemon.stateFile as NSString).deletingLastPathComponent])
        // The kernel state file must outlive a crash and the automatic restart, or a stop in between.
        XCTAssertEqual(unit["RuntimeDirectory"].map { $0.map { "/run/" + $0 } },
                       [(defaults.daemon.kernelStateFile as NSString).deletingLastPathComponent])
        XCTAssertEqual(unit["RuntimeDirectoryPreserve"], ["yes"])
        XCTAssertEqual(unit["RestrictAddressFamilies"], ["AF_NETLINK AF_UNIX"])
        XCTAssertNil(unit["PrivateNetwork"], "audit multicast is only delivered in the initial network namespace")
        XCTAssertNil(unit["PrivateUsers"], "audit capabilities must be held in the initial user namespace")
        for capability in ["CAP_AUDIT_CONTROL", "CAP_AUDIT_READ"] {
            XCTAssertTrue(unit["CapabilityBoundingSet"]?.first?.contains(capability) ?? false)
            XCTAssertTrue(unit["AmbientCapabilities"]?.first?.contains(capability) ?? false)
        }
        let tmpfiles = try String(contentsOfFile: PackagePaths.root.appendingPathComponent("systemd/auspex.tmpfiles").path, encoding: .utf8)
        XCTAssertTrue(tmpfiles.split(separator: "\n").contains { $0.hasPrefix("d \(defaults.spool.dir) ") })
        // The unit runs as the user auspex.sysusers creates, which owns the spool.
        let sysusers = try String(contentsOfFile: PackagePaths.root.appendingPathComponent("systemd/auspex.sysusers").path, encoding: .utf8)
        XCTAssertTrue(sysusers.contains("u \(unit["User"]?.first ?? "?") "))
    }

    /// `systemd-analyze verify` and the offline security rating, on a copy whose ExecStart exists (/bin/true):
    /// verify refuses units whose binary is not installed.
    func testSystemdAcceptsTheUnit() throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyze) else { throw XCTSkip("systemd-analyze not installed") }
        let directory = try TemporaryDirectory()
        let text = try String(contentsOfFile: unitPath, encoding: .utf8)
            .replacingOccurrences(of: "ExecStart=/usr/local/bin/auspex run", with: "ExecStart=/bin/true")
        let copy = try directory.write("auspex.service", text)

        let verify = try Subprocess.run(analyze, ["verify", copy])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertEqual((verify.stdout + verify.stderr).trimmingCharacters(in: .whitespacesAndNewlines), "")

        let security = try Subprocess.run(analyze, ["security", "--offline=yes", copy])
        let output = security.stdout + security.stderr
        let rating = output.split(separator: "\n").last { $0.contains("Overall exposure level") } ?? ""
        let score = rating.split(separator: " ").compactMap { Double($0) }.first
        XCTAssertNotNil(score, output)
        XCTAssertLessThanOrEqual(score ?? 10, 1.5, String(rating))
    }
}
