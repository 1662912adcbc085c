import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The real kernel: a python one-liner started through a chain of wrapper scripts (as a pyenv shim does) execs three
/// times in one process, and each exec matches the inline-reverse-shell rule. With the default suppression the
/// process raises one alert per rule, and a summary record carries the count of the others.
final class LiveSuppressionTests: XCTestCase {
    static let inlineRuleFile = "execution_interpreter_socket_one_liner.toml"
    static let inlineRuleID = "fdbe9ebe-adad-43a0-aab1-98438e4c1ec1"

    func testAWrapperChainRaisesOneAlertPerRuleAndASummaryWithTheCount() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else {
            throw XCTSkip("/usr/bin/python3 is not installed")
        }
        try Harness.requireLiveAudit()
        let binary = try PackagePaths.auspexBinary().path
        try Harness.waitForFreeAudit()
        let work = try Workdir()
        defer { work.remove() }
        try work.addPackRule(Self.inlineRuleFile)
        try work.addPackRule(LiveDaemonTests.ourRuleFile)
        // Two wrapper scripts named like the interpreter, each exec'ing the next, then the interpreter itself.
        let shims = work.root + "/shims"
        try FileManager.default.createDirectory(atPath: shims, withIntermediateDirectories: true)
        for (name, next) in [("a", shims + "/b/python3"), ("b", "/usr/bin/python3")] {
            try FileManager.default.createDirectory(atPath: shims + "/" + name, withIntermediateDirectories: true)
            let path = shims + "/" + name + "/python3"
            try "#!/bin/sh\nexec \(next) \"$@\"\n".write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
        }
        let host = try TestHost()
        defer { host.remove() }
        let daemon = try RunningDaemon(binary: binary, arguments: [
            "run", "--config", work.config, "--rules", work.rules, "--spool", work.spool, "--no-journald",
            "--set", "alerts.suppress_duplicates_seconds=2"], stderrLog: work.stderrLog)
        defer {
            XCTAssertEqual(daemon.stop(), 0, "auspex run exit status; stderr:\n\(daemon.stderr)")
            XCTAssertEqual(Harness.auditRules(key: "auspex"), [], "our audit rules were removed")
        }
        XCTAssertTrue(daemon.waitUntilReading(), "daemon did not start reading:\n\(daemon.stderr)")

        let oneLiner = #"import socket,subprocess;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);"#
            + #"s.connect(("\#(TestHost.address)",4444));s.send(b"x")"#
        XCTAssertEqual(host.exec([shims + "/a/python3", "-c", oneLiner]), 0)

        // The window is 2 s: the summary follows once it closes.
        func alerts(_ rule: String) -> [[String: Any]] { work.spooledAlerts().filter { $0.ruleID == rule } }
        func summaries(_ rule: String) -> [[String: Any]] { alerts(rule).filter { $0.suppressedCount != nil } }
        XCTAssertTrue(Harness.wait(seconds: 8) { !summaries(Self.inlineRuleID).isEmpty },
                      "a summary of the suppressed matches; stderr:\n\(daemon.stderr)")
        let inline = alerts(Self.inlineRuleID)
        XCTAssertEqual(inline.filter { $0.suppressedCount == nil }.count, 1, "one alert for the process")
        XCTAssertEqual(summaries(Self.inlineRuleID).first?.suppressedCount, 2, "the two other execs of the chain")
        XCTAssertEqual(alerts(LiveDaemonTests.ourRuleID).filter { $0.suppressedCount == nil }.count, 1,
                       "one UDP reverse-shell alert")
    }
}

extension Dictionary where Key == String, Value == Any {
    /// `auspex.alert.suppression.suppressed_count` of a summary record; nil for an alert.
    fileprivate var suppressedCount: Int? {
        let alert = (self["auspex"] as? [String: Any])?["alert"] as? [String: Any]
        return ((alert?["suppression"] as? [String: Any])?["suppressed_count"] as? NSNumber)?.intValue
    }
}
