@testable import EventModel
import Foundation
import XCTest
@testable import Alerting

/// Builders and process helpers shared by the Alerting tests.
enum Fixtures {
    /// The seed rule's metadata (execution_shell_via_udp_cli_utility_linux.toml), typed by hand.
    static let udpShellRule = AlertRule(
        id: "a5eb21b7-13cc-4b94-9fe2-29bb2914e037", name: "Potential Reverse Shell via UDP", severity: .medium,
        riskScore: 47, tags: ["Domain: Endpoint", "OS: Linux", "Tactic: Execution"],
        threats: [
            .init(tactic: .init(id: "TA0002", name: "Execution", reference: "https://attack.mitre.org/tactics/TA0002/"),
                  techniques: [.init(.init(id: "T1059", name: "Command and Scripting Interpreter"),
                                     subtechniques: [.init(id: "T1059.004", name: "Unix Shell")])]),
            .init(tactic: .init(id: "TA0011", name: "Command and Control"),
                  techniques: [.init(.init(id: "T1095", name: "Non-Application Layer Protocol"))]),
        ],
        version: 7)

    /// A small exec + connect pair for a process, as the normalizer would produce.
    static func events(processName: String = "nc", pid: Int64 = 4242, destination: String = "203.0.113.9",
                       port: Int64 = 53) -> [Document]
    {
        let exec = Document(fields: [
            ("@timestamp", "2026-11-22T01:00:00.5Z"), ("event.category", ["process"]), ("event.action", "executed"),
            ("process.pid", .int(pid)), ("process.name", .string(processName)),
            ("process.args", [.string(processName), "-u", .string(destination), .string(String(port))]),
            ("user.name", "root"), ("host.id", "0123456789abcdef0123456789abcdef"), ("host.name", "web-1"),
        ])
        let connect = Document(fields: [
            ("@timestamp", "2026-11-22T01:00:01.25Z"), ("event.category", ["network"]),
            ("event.action", "connected-to"), ("process.pid", .int(pid)), ("process.name", .string(processName)),
            ("destination.ip", .string(destination)), ("destination.port", .int(port)),
            ("host.id", "0123456789abcdef0123456789abcdef"), ("host.name", "web-1"),
        ])
        return [exec, connect]
    }

    static func alert(processName: String = "nc", pid: Int64 = 4242) -> Alert {
        Alert(rule: udpShellRule, events: events(processName: processName, pid: pid),
              joinKeys: ["0123456789abcdef0123456789abcdef", .int(pid)])
    }

    static func temporaryDirectory(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "auspex-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func requireRoot(_ what: String) throws {
        guard getuid() == 0 else { throw XCTSkip("\(what) needs root") }
    }
}
