import Foundation
import PackageTestSupport
import XCTest

/// The "remote" end of the reverse shells: a network namespace whose loopback carries 192.0.2.2/32 (TEST-NET-1),
/// so the shell connects somewhere outside 127.0.0.0/8 and nothing leaves the machine.
final class TestHost {
    let namespace: String
    static let address = "192.0.2.2"

    init() throws {
        namespace = "auspex-e2e-\(getpid())"
        _ = try? Subprocess.run("/usr/sbin/ip", ["netns", "del", namespace])
        let steps: [[String]] = [
            ["netns", "add", namespace],
            ["-n", namespace, "link", "set", "lo", "up"],
            ["-n", namespace, "addr", "add", "\(Self.address)/32", "dev", "lo"],
        ]
        for step in steps where (try? Subprocess.run("/usr/sbin/ip", step))?.status != 0 {
            remove()
            throw XCTSkip("cannot create the test network namespace (ip \(step.joined(separator: " ")))")
        }
    }

    /// Runs `command` with bash inside the namespace; returns its exit status.
    @discardableResult
    func bash(_ command: String) -> Int32 {
        (try? Subprocess.run("/usr/sbin/ip", ["netns", "exec", namespace, "/bin/bash", "-c", command]))?.status ?? -1
    }

    /// Runs a program inside the namespace.
    @discardableResult
    func exec(_ arguments: [String]) -> Int32 {
        (try? Subprocess.run("/usr/sbin/ip", ["netns", "exec", namespace] + arguments))?.status ?? -1
    }

    func remove() {
        _ = try? Subprocess.run("/usr/sbin/ip", ["netns", "del", namespace])
    }
}
