import Foundation
import PackageTestSupport
import XCTest
@testable import Alerting

/// Fleet shipping: an alert the journald sink wrote reaches a central journal through Debian's
/// systemd-journal-upload → systemd-journal-remote (plain HTTP on 127.0.0.1) with every AUSPEX_* field intact, and
/// `journalctl -x` on the central journal explains it from auspex's catalog.
final class JournalShippingTests: XCTestCase {
    private static let upload = "/usr/lib/systemd/systemd-journal-upload"
    private static let remote = "/usr/lib/systemd/systemd-journal-remote"
    private var servers: [Process] = []
    private var directory: String?

    override func tearDown() {
        for server in servers where server.isRunning {
            kill(server.processIdentifier, SIGTERM)
            server.waitUntilExit()
        }
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
        super.tearDown()
    }

    /// One entry of `journalctl -o json`, as JSON objects (repeated fields are arrays).
    private func entry(_ arguments: [String]) throws -> [String: Any] {
        let run = try Subprocess.run("/usr/bin/journalctl", arguments + ["-o", "json", "--all", "--no-pager", "-q"])
        let lines = run.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "journalctl \(arguments): \(run.stdout.prefix(500)) \(run.stderr)")
        let line = try XCTUnwrap(lines.first, "no entry for \(arguments)")
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    private func auspexFields(_ entry: [String: Any]) -> NSDictionary {
        NSDictionary(dictionary: entry.filter { $0.key.hasPrefix("AUSPEX_") || $0.key == "MESSAGE_ID" || $0.key == "MESSAGE"
                                                || $0.key == "PRIORITY" })
    }

    func testAlertReachesACentralJournalIntactAndExplained() throws {
        try Fixtures.requireRoot("starting journald and journal-remote")
        for tool in [Self.upload, Self.remote] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is absent (package systemd-journal-remote; make test-deps installs it)")
        }
        guard FileManager.default.fileExists(atPath: "/var/lib/systemd/catalog") else {
            throw XCTSkip("/var/lib/systemd/catalog is absent: nothing to bind the test's catalog over")
        }
        let journald = try JournaldHarness.start()
        defer { journald.stop() }

        // The alert, written by the real journald sink.
        let alert = Fixtures.alert(processName: "nc", pid: Int64(40_000 + getpid() % 20_000))
        let sink = JournalWriter.sink()
        sink.deliver(alert)
        XCTAssertTrue(sink.flush(timeoutMilliseconds: 5000))
        XCTAssertEqual(sink.counters.delivered, 1, sink.counters.description)
        sink.close(timeoutMilliseconds: 1000)
        _ = try journald.entry(matching: ["AUSPEX_ALERT_ID=\(alert.id)"])  // waits until journald has stored it
        let local = try entry(["AUSPEX_ALERT_ID=\(alert.id)"])
        let cursor = try XCTUnwrap(local["__CURSOR"] as? String)
        XCTAssertGreaterThan(local.keys.filter { $0.hasPrefix("AUSPEX_") }.count, 15, "\(local.keys.sorted())")

        // The central side: journal-remote writing to DIR/var/log/journal/remote/.
        let directory = try Fixtures.temporaryDirectory("central")
        self.directory = directory
        let journals = directory + "/var/log/journal/remote"
        try FileManager.default.createDirectory(atPath: journals, withIntermediateDirectories: true)
        let port = try LocalPort.free()
        let remote = Process()
        remote.executableURL = URL(fileURLWithPath: Self.remote)
        remote.arguments = ["--listen-http=127.0.0.1:\(port)", "--output=\(journals)/central.journal", "--split-mode=none"]
        let remoteLog = try TemporaryFile()
        remote.standardOutput = remoteLog.handle
        remote.standardError = remoteLog.handle
        try remote.run()
        servers.append(remote)
        XCTAssertTrue(LocalPort.waitUntilListening(port), "journal-remote did not listen: \(remoteLog.contents())")

        // The host side: journal-upload from the alert's cursor to the end of the local journal, then exits.
        let upload = try Subprocess.run(Self.upload, ["--url=http://127.0.0.1:\(port)", "--cursor=\(cursor)", "--follow=no"])
        XCTAssertEqual(upload.status, 0, upload.stderr)
        kill(remote.processIdentifier, SIGTERM)  // closes the journal file
        remote.waitUntilExit()
        XCTAssertEqual(remote.terminationStatus, 0, remoteLog.contents())

        let central = try entry(["--directory=\(journals)", "AUSPEX_ALERT_ID=\(alert.id)"])
        XCTAssertEqual(auspexFields(central), auspexFields(local), "fields changed on the way")
        XCTAssertEqual(central["MESSAGE_ID"] as? String, JournalEntry.messageID)
        XCTAssertEqual(central["AUSPEX_ALERT_JSON"] as? String, alert.json)
        XCTAssertEqual(central["AUSPEX_RULE_ID"] as? String, Fixtures.udpShellRule.id)
        XCTAssertEqual((central["AUSPEX_TAG"] as? [String])?.count, Fixtures.udpShellRule.tags.count, "repeated fields stay repeated")

        // The catalog, indexed for the central root, explains the shipped alert under `journalctl -x`. journalctl
        // reads the catalog index from /var/lib/systemd/catalog whatever --root says, so the test's index is bound
        // over it in a private mount namespace (the host's stays untouched).
        try FileManager.default.createDirectory(atPath: directory + "/usr/lib/systemd/catalog", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: PackagePaths.root.appendingPathComponent("systemd/auspex.catalog").path,
                                         toPath: directory + "/usr/lib/systemd/catalog/auspex.catalog")
        let update = try Subprocess.run("/usr/bin/journalctl", ["--root=\(directory)", "--update-catalog"])
        XCTAssertEqual(update.status, 0, update.stderr)
        let explained = try Subprocess.run("/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c",
            "mount --bind \"$1/var/lib/systemd/catalog\" /var/lib/systemd/catalog && exec journalctl --directory=\"$2\" -x --no-pager -q \"$3\"",
            "sh", directory, journals, "AUSPEX_ALERT_ID=\(alert.id)"])
        XCTAssertEqual(explained.status, 0, explained.stderr)
        for line in ["Subject: auspex alert: \(Fixtures.udpShellRule.name) (medium)",
                     "The detection rule \"\(Fixtures.udpShellRule.name)\" (rule_id \(Fixtures.udpShellRule.id), severity",
                     "The alert has the id \(alert.id)",
                     "auspex exception add --rule \(Fixtures.udpShellRule.id)"] {
            XCTAssertTrue(explained.stdout.contains(line), "journalctl -x lacks '\(line)':\n\(explained.stdout)")
        }
    }
}
