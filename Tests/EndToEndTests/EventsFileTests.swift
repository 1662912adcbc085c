@testable import EventModel
import Foundation
import PackageTestSupport
import XCTest

/// `auspex events --file`: audit.log text through the built binary, over ../shared/audit-samples.
final class EventsFileTests: XCTestCase {
    private func documents(_ stdout: String) throws -> [Document] {
        try stdout.split(separator: "\n").map { Document(flattening: try JSONReader.parse(String($0))) }
    }

    func testSyntheticSampleGivesSocketAndConnectDocuments() throws {
        let binary = try PackagePaths.auspexBinary()
        let sample = try PackagePaths.shared("audit-samples/synthetic/udp-reverse-shell-synthetic.log")
        let run = try Subprocess.run(binary, ["events", "--file", sample.path])
        XCTAssertEqual(run.status, 0, run.stderr)
        let docs = try documents(run.stdout)
        XCTAssertEqual(Harness.summaryFigure("documents", in: run.stderr), docs.count)
        XCTAssertEqual(Harness.summaryFigure("malformed", in: run.stderr), 0)

        let socket = docs.first { $0["auditd.data.syscall"] == "socket" && $0["auditd.data.a1"] == "2" }
        XCTAssertEqual(socket?["auditd.data.a0"], "2")
        XCTAssertEqual(socket?["process.pid"]?.intValue, 4300)
        let connect = try XCTUnwrap(docs.first { $0["destination.ip"] == "10.0.0.1" })
        XCTAssertEqual(connect["destination.port"]?.intValue, 4444)
        XCTAssertEqual(connect["network.direction"], "egress")
        XCTAssertEqual(connect["event.action"], "connected-to")
        XCTAssertEqual(connect["process.pid"]?.intValue, 4300)
        XCTAssertTrue(docs.contains { $0["auditd.data.syscall"] == "execve" && $0["process.pid"]?.intValue == 4300 })
    }

    func testEveryLogSampleGivesOneJSONDocumentPerLine() throws {
        let binary = try PackagePaths.auspexBinary()
        let samples = try PackagePaths.shared("audit-samples")
        let files = [
            "audit-userspace/auparse/test/test.log", "audit-userspace/auparse/test/test3.log",
            "audit-userspace/auparse/test/test4.log", "beats/auditbeat/module/auditd/testdata/sudo.log",
            "beats/auditbeat/module/auditd/testdata/centos7.log", "go-libaudit/testdata/normal.log",
        ]
        for file in files {
            let run = try Subprocess.run(binary, ["events", "--file", samples.appendingPathComponent(file).path])
            XCTAssertEqual(run.status, 0, "\(file): \(run.stderr)")
            let docs = try documents(run.stdout)
            XCTAssertGreaterThan(docs.count, 0, file)
            XCTAssertEqual(Harness.summaryFigure("documents", in: run.stderr), docs.count, file)
            XCTAssertEqual(Harness.summaryFigure("malformed", in: run.stderr), 0, "\(file): \(run.stderr)")
            XCTAssertTrue(docs.allSatisfy { $0["event.module"] == "auditd" && $0["@timestamp"] != nil }, file)
        }
        // go-libaudit's normal.log: serials 58–62 are five events (no EOE lines in that file).
        let normal = try Subprocess.run(binary, ["events", "--file", samples.appendingPathComponent("go-libaudit/testdata/normal.log").path])
        XCTAssertEqual(try documents(normal.stdout).compactMap { $0["event.sequence"]?.intValue }.sorted(), [58, 59, 60, 61, 62])
    }

    func testMalformedLinesAreCountedWithTheirLineNumbersFromStdin() throws {
        let binary = try PackagePaths.auspexBinary()
        let sample = try PackagePaths.shared("audit-samples/synthetic/udp-reverse-shell-synthetic.log")
        let clean = try Subprocess.run(binary, ["events", "--file", sample.path])
        var lines = try String(contentsOf: sample, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.insert("this is not an audit record", at: 3)                    // line 4
        lines.insert("type=SYSCALL msg=audit(17000x0.1:5): arch=c000003e", at: 7) // line 8
        let run = try Subprocess.run(binary, ["events", "--file", "-"], input: Data(lines.joined(separator: "\n").utf8))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("malformed line 4:"), run.stderr)
        XCTAssertTrue(run.stderr.contains("malformed line 8:"), run.stderr)
        XCTAssertEqual(Harness.summaryFigure("malformed", in: run.stderr), 2)
        XCTAssertEqual(try documents(run.stdout).count, try documents(clean.stdout).count)
    }

    func testCountBoundsTheOutputAndBadArgumentsAreRefused() throws {
        let binary = try PackagePaths.auspexBinary()
        let sample = try PackagePaths.shared("audit-samples/synthetic/udp-reverse-shell-synthetic.log")
        let run = try Subprocess.run(binary, ["events", "--file", sample.path, "--count", "2"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(try documents(run.stdout).count, 2)
        XCTAssertNotEqual(try Subprocess.run(binary, ["events", "--file", sample.path, "--multicast"]).status, 0)
        XCTAssertNotEqual(try Subprocess.run(binary, ["events", "--count", "0"]).status, 0)
        let missing = try Subprocess.run(binary, ["events", "--file", "/nonexistent/audit.log"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("cannot open"), missing.stderr)
    }
}
