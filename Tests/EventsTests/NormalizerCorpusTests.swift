@testable import AuditRecords
@testable import EventModel
@testable import Events
import Foundation
@testable import Reassembler
import PackageTestSupport
import XCTest

/// The whole raw-sample corpus (../shared/audit-samples) through the real parser, reassembler and normalizer,
/// and Laurel's decoded argument vectors as an independent oracle for `process.args`.
final class NormalizerCorpusTests: XCTestCase {
    /// Every audit.log-format file of the corpus (goldens and JSON outputs excluded).
    private func corpusFiles() throws -> [String] {
        let root = try PackagePaths.shared("audit-samples").path
        guard let walker = FileManager.default.enumerator(atPath: root) else { throw XCTSkip("cannot list \(root)") }
        var files: [String] = []
        for case let path as String in walker where path.hasSuffix(".log") || path.hasSuffix(".txt") {
            files.append("audit-samples/" + path)
        }
        return files.sorted()
    }

    /// Records of a file through the production reassembler, replaying audit time as the clock.
    private func reassembled(_ bytes: [UInt8]) -> [AuditEvent] {
        var reassembler = Reassembler()
        var events: [AuditEvent] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            guard case .success(let record) = AuditParser.parseLogLine(line) else { continue }
            events += reassembler.push(record, now: record.timestamp.nanosecondsSinceEpoch)
        }
        return events + reassembler.finish()
    }

    func testEveryCorpusFileNormalizes() throws {
        let files = try corpusFiles()
        XCTAssertGreaterThan(files.count, 100, "corpus files found")
        let normalizer = Fixtures.normalizer()
        var counters = NormalizerCounters()
        var documents = 0, syscallDocuments = 0
        for file in files {
            for event in reassembled(try Fixtures.read(file)) {
                let doc = normalizer.normalize(event, counters: &counters)
                documents += 1
                XCTAssertEqual(doc["event.sequence"], .int(Int64(event.serial)), file)
                XCTAssertEqual(doc["host.os.type"], "linux", file)
                XCTAssertNotNil(doc["@timestamp"].flatMap { ExampleDocumentTests.epochMilliseconds($0.stringValue ?? "") },
                                file)
                if event.syscall != nil, event.records.first?.type == .syscall {
                    syscallDocuments += 1
                    XCTAssertNotNil(doc["event.category"], "\(file) serial \(event.serial)")
                    XCTAssertNotNil(doc["auditd.data.syscall"], "\(file) serial \(event.serial)")
                }
                XCTAssertNoThrow(try JSONReader.parse(JSONWriter.string(doc)), file)
            }
        }
        XCTAssertGreaterThan(documents, 350)
        XCTAssertGreaterThan(syscallDocuments, 150)
        XCTAssertEqual(counters.emptyEvents, 0)
    }

    func testArgumentVectorsMatchLaurel() throws {
        let directory = "audit-samples/laurel/src/testdata"
        let root = try PackagePaths.shared(directory).path
        let names = try FileManager.default.contentsOfDirectory(atPath: root).filter {
            $0.hasPrefix("record-") && $0.hasSuffix(".json")
        }
        var checked = 0
        for name in names.sorted() {
            // One JSON object per line (Laurel writes JSON Lines); the execve event is the one with ARGV.
            let lines = try Fixtures.read("\(directory)/\(name)").split(separator: UInt8(ascii: "\n"))
            let objects = try lines.map { try JSONReader.parse(Array($0)) }
            guard let expected = objects.first(where: { $0["EXECVE"]?["ARGV"] != nil }),
                  case .array(let argv)? = expected["EXECVE"]?["ARGV"], let syscall = expected["SYSCALL"] else { continue }
            let log = name.replacingOccurrences(of: ".json", with: ".txt")
            let events = reassembled(try Fixtures.read("\(directory)/\(log)"))
            guard let event = events.first(where: { $0.serial == UInt32(truncatingIfNeeded: Self.serial(expected) ?? -1) })
            else {
                XCTFail("\(log): no event with the serial of \(name)")
                continue
            }
            var counters = NormalizerCounters()
            let doc = Fixtures.normalizer().normalize(event, counters: &counters)
            XCTAssertEqual(doc["process.args"], .array(argv), log)
            XCTAssertEqual(doc["auditd.data.argc"], expected["EXECVE"]?["argc"], log)
            XCTAssertEqual(doc["process.pid"], syscall["pid"], log)
            XCTAssertEqual(doc["process.parent.pid"], syscall["ppid"], log)
            XCTAssertEqual(doc["process.executable"], syscall["exe"], log)
            XCTAssertEqual(doc["event.action"], "executed", log)
            XCTAssertEqual(counters.incompleteExecve, 0, log)
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 4, "Laurel execve samples compared (execve, execve-long, perl reverse shell, weblogic)")
    }

    /// Laurel's event `ID` is `SECS.MSEC:SERIAL`.
    private static func serial(_ object: FieldValue) -> Int64? {
        guard let id = object["ID"]?.stringValue, let colon = id.lastIndex(of: ":") else { return nil }
        return Int64(id[id.index(after: colon)...])
    }
}
