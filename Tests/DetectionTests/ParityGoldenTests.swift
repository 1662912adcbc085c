@testable import Alerting
@testable import AuditRecords
@testable import Detection
@testable import EventModel
@testable import Events
import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
@testable import Rules
#endif

/// The documents and alerts of every audit log we test with, held against golden files that the string-keyed
/// document path recorded before the slot path replaced it (`Goldens/`, our own output, gzip'd). Documents compare
/// field by field (names sorted, so field order is free); alerts by rule, join keys and matched events.
///
/// Re-record only when a change of output is intended: `AUSPEX_RECORD_GOLDENS=1 swift test --filter ParityGoldenTests`.
final class ParityGoldenTests: XCTestCase {
    private static let goldens = Fixtures.goldens
    private static var recording: Bool { ProcessInfo.processInfo.environment["AUSPEX_RECORD_GOLDENS"] == "1" }

    /// Also holds `auspex events`' JSON, written from the slots, byte for byte to the document writer's.
    func testDocumentsOfEveryLogEqualTheGoldenDocuments() throws {
        var lines: [String] = []
        var json = SlotJSONWriter()
        var written = 0
        var differing = 0
        func add(_ enriched: EnrichedEvent?) {
            guard let enriched else { return }
            let document = enriched.document
            lines.append(Self.canonical(document))
            var fromSlots: [UInt8] = []
            json.write(enriched.slots, to: &fromSlots)
            var fromDocument: [UInt8] = []
            JSONWriter.write(document, to: &fromDocument)
            written += 1
            if fromSlots != fromDocument {
                differing += 1
                if differing <= 3 {
                    XCTFail("slot JSON differs:\n slots    \(String(decoding: fromSlots, as: UTF8.self))\n document "
                            + String(decoding: fromDocument, as: UTF8.self))
                }
            }
        }
        for log in try Self.logs() {
            lines.append("# " + log.name)
            var stage = DocumentStage(settings: Self.settings, names: StaticNameLookup())
            try Self.withDescriptor(log.text) { descriptor in
                var reader = LogRecordReader(descriptor: descriptor)
                while let parsed = reader.next() {
                    guard case .success(let record) = parsed else { continue }
                    for event in stage.add(record, now: reader.now) { add(stage.enriched(event)) }
                }
            }
            for event in stage.finish() { add(stage.enriched(event)) }
        }
        try compare(lines, golden: "documents.ndjson.gz")
        XCTAssertGreaterThan(written, 1000)
        XCTAssertEqual(differing, 0, "events whose slot JSON differs from the document's")
    }

    func testAlertsOfEveryLogWithThePackAndElasticRulesEqualTheGoldenAlerts() throws {
        let elastic = try PackagePaths.shared("detection-rules/linux-eql").path
        let load = RuleSet.load(paths: [Fixtures.defaultRulePack, elastic])
        XCTAssertEqual(load.diagnostics.filter { $0.severity == .error }, [])
        try compare(try Self.alertLines(load.ruleSet), golden: "alerts.ndjson.gz")
    }

    /// A header line per log, then a line per alert the rules raise replaying it.
    private static func alertLines(_ ruleSet: RuleSet) throws -> [String] {
        var lines: [String] = []
        for log in try logs() {
            lines.append("# " + log.name)
            var pipeline = DetectionPipeline(ruleSet: ruleSet, settings: settings, names: StaticNameLookup())
            try withDescriptor(log.text) { descriptor in
                _ = LogReplay.run(descriptor: descriptor, through: &pipeline) { lines.append(line(for: $0)) }
            }
        }
        return lines
    }

    /// The shipped pack alone reads far fewer fields than with every Elastic rule, so the normalizer writes only a
    /// few parts of each document (``NormalizerDemand``); its alerts, documents included, are still the golden ones.
    func testAlertsOfThePackAloneEqualItsGoldenAlerts() throws {
        let load = RuleSet.load(paths: [Fixtures.defaultRulePack])
        XCTAssertEqual(load.diagnostics.filter { $0.severity == .error }, [])
        XCTAssertNotEqual(load.ruleSet.schema.demand, .all, "the pack reads every part of the document")
        let ids = Set(load.ruleSet.rules.map { #"{"rule":""# + $0.source.ruleID + #"""# })
        let lines = try Self.alertLines(load.ruleSet)
        let golden = String(decoding: try Self.gunzip(Self.goldens.appendingPathComponent("alerts.ndjson.gz")),
                            as: UTF8.self).split(separator: "\n").map(String.init)
        let expected = golden.filter { $0.hasPrefix("# ") || ids.contains(where: $0.hasPrefix) }
        XCTAssertGreaterThan(expected.count - lines.filter { $0.hasPrefix("# ") }.count, 0, "no pack alert to compare")
        XCTAssertEqual(lines, expected)
    }

    // MARK: the logs

    static let settings = PipelineSettings(host: HostInfo(id: "golden-host", name: "golden"))

    /// Every audit.log-text file under `../shared/audit-samples`, then our generated benchmark log.
    static func logs() throws -> [(name: String, text: String)] {
        let samples = try PackagePaths.shared("audit-samples")
        var logs: [(String, String)] = []
        let files = FileManager.default.enumerator(atPath: samples.path)?.compactMap { $0 as? String } ?? []
        for file in files.sorted() where isAuditLogText(file) {
            let data = try Data(contentsOf: samples.appendingPathComponent(file))
            logs.append(("audit-samples/" + file, String(decoding: data, as: UTF8.self)))
        }
        logs.append(("bench-1000.log", try Fixtures.benchmarkLog()))
        return logs
    }

    private static func isAuditLogText(_ file: String) -> Bool {
        (file.hasSuffix(".log") || file.hasSuffix(".txt")) && !file.hasSuffix("README.md")
    }

    /// Runs `body` with a descriptor reading `text` (from a temporary file).
    static func withDescriptor(_ text: String, _ body: (Int32) throws -> Void) throws {
        let path = NSTemporaryDirectory() + "auspex-parity-\(getpid()).log"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        defer { unlink(path) }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw GoldenFileError(command: ["open", path], status: errno) }
        defer { close(descriptor) }
        try body(descriptor)
    }

    // MARK: canonical lines

    /// The document as JSON with its dotted names sorted (equal documents give equal lines whatever their order).
    static func canonical(_ document: Document) -> String {
        let sorted = document.fields.enumerated().sorted { ($0.element.name, $0.offset) < ($1.element.name, $1.offset) }
        return JSONWriter.string(Document(fields: sorted.map(\.element)))
    }

    private static func line(for alert: Alert) -> String {
        let keys = alert.joinKeys.map(JSONWriter.string).joined(separator: ",")
        let events = alert.events.map(canonical).joined(separator: ",")
        return #"{"rule":"\#(alert.rule.id)","join_keys":[\#(keys)],"events":[\#(events)]}"#
    }

    // MARK: golden files

    private func compare(_ lines: [String], golden name: String) throws {
        let url = Self.goldens.appendingPathComponent(name)
        let text = lines.joined(separator: "\n") + "\n"
        if Self.recording {
            try Self.gzip(Data(text.utf8), to: url)
            return
        }
        let expected = String(decoding: try Self.gunzip(url), as: UTF8.self).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, expected.count, "\(name): line count")
        var mismatches = 0
        for (index, (got, want)) in zip(lines, expected).enumerated() where got != want {
            mismatches += 1
            if mismatches <= 5 { XCTFail("\(name) line \(index + 1):\n got  \(got)\n want \(want)") }
        }
        XCTAssertEqual(mismatches, 0, "\(name): lines that differ")
    }

    private static func gunzip(_ url: URL) throws -> Data {
        try run(["gzip", "-dc", url.path], input: nil)
    }

    private static func gzip(_ data: Data, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try run(["gzip", "-9n"], input: data).write(to: url)
    }

    private static func run(_ arguments: [String], input: Data?) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let inputFile = NSTemporaryDirectory() + "auspex-gz-in-\(getpid())"
        let outputFile = NSTemporaryDirectory() + "auspex-gz-out-\(getpid())"
        FileManager.default.createFile(atPath: inputFile, contents: input ?? Data())
        FileManager.default.createFile(atPath: outputFile, contents: nil)
        defer { unlink(inputFile); unlink(outputFile) }
        process.standardInput = FileHandle(forReadingAtPath: inputFile)
        process.standardOutput = FileHandle(forWritingAtPath: outputFile)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw GoldenFileError(command: arguments, status: process.terminationStatus) }
        return try Data(contentsOf: URL(fileURLWithPath: outputFile))
    }
}

/// A gzip run or an open(2) that failed.
private struct GoldenFileError: Error {
    var command: [String]
    var status: Int32
}
