@testable import EventModel
import Foundation
import PackageTestSupport
import XCTest
@testable import Alerting

final class SpoolTests: XCTestCase {
    private var directories: [String] = []

    override func tearDown() {
        for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
        directories = []
    }

    private func spoolDirectory() throws -> String {
        let path = try Fixtures.temporaryDirectory("spool")
        directories.append(path)
        return path + "/spool"
    }

    private func names(_ directory: String, _ sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + sub)) ?? []).sorted()
    }

    /// Reads a spool file and checks it is one newline-terminated JSON document; returns the alert id.
    private func alertID(inFile path: String, file: StaticString = #filePath, line: UInt = #line) throws -> String? {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(bytes.last, 0x0A, "\(path) does not end with a newline", file: file, line: line)
        XCTAssertEqual(bytes.filter { $0 == 0x0A }.count, 1, file: file, line: line)
        let doc = Document(flattening: try JSONReader.parse(Array(bytes.dropLast())))
        XCTAssertEqual(doc["event.kind"], "alert", file: file, line: line)
        return doc["auspex.alert.id"]?.stringValue
    }

    func testEachAlertIsOneCompleteJSONFileWithAUniqueName() throws {
        let directory = try spoolDirectory()
        let sink = DirectSink(name: "spool", writer: try SpoolWriter(configuration: .init(directory: directory)))
        var ids: [String] = []
        for _ in 0..<100 {
            let alert = Fixtures.alert()
            ids.append(alert.id)
            sink.deliver(alert)
        }
        XCTAssertEqual(sink.counters.delivered, 100, sink.counters.description)
        XCTAssertEqual(sink.counters.failed, 0)
        let files = names(directory, "new")
        XCTAssertEqual(files.count, 100, "names collided")
        XCTAssertTrue(names(directory, "tmp").isEmpty)
        // Names sort by time, so directory order is write order.
        let written = try files.map { try alertID(inFile: directory + "/new/" + $0) }
        XCTAssertEqual(written, ids)
        XCTAssertTrue(files.allSatisfy { $0.range(of: #"^\d{10}\.\d{6}P\d+Q\d+\.[0-9a-f-]{36}\.json$"#, options: .regularExpression) != nil },
                      files[0])
        var info = stat()
        XCTAssertEqual(stat(directory + "/new/" + files[0], &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o640)
        sink.close(timeoutMilliseconds: 1000)
    }

    func testRetentionByCountRemovesOldestFirst() throws {
        let directory = try spoolDirectory()
        let sink = DirectSink(name: "spool", writer: try SpoolWriter(configuration: .init(directory: directory, maxFiles: 5)))
        let alerts = (0..<12).map { _ in Fixtures.alert() }
        alerts.forEach(sink.deliver)
        XCTAssertEqual(sink.counters.delivered, 12)
        XCTAssertEqual(sink.counters.evicted, 7)
        let kept = try names(directory, "new").map { try alertID(inFile: directory + "/new/" + $0) }
        XCTAssertEqual(kept, alerts.suffix(5).map(\.id))
        sink.close(timeoutMilliseconds: 1000)
    }

    func testRetentionByBytesAndAcrossRestarts() throws {
        let directory = try spoolDirectory()
        let size = Int64(Fixtures.alert().jsonLine.count)
        let configuration = SpoolConfiguration(directory: directory, maxFiles: 1000, maxBytes: size * 3 + size / 2)
        let first = try SpoolWriter(configuration: configuration)
        var evicted = 0
        for _ in 0..<10 { evicted += try first.write(Fixtures.alert()).evicted }
        XCTAssertEqual(evicted, 7)
        XCTAssertEqual(first.retained.files, 3)
        XCTAssertLessThanOrEqual(first.retained.bytes, configuration.maxBytes)
        first.close()

        // A crash leaves a partial file in tmp/: the next writer removes it and indexes new/ for retention.
        _ = FileManager.default.createFile(atPath: directory + "/tmp/1700000000.000001P1Q1.0a-1.json", contents: Data("{\"trunc".utf8))
        let survivors = names(directory, "new")
        let second = try SpoolWriter(configuration: configuration)
        XCTAssertTrue(names(directory, "tmp").isEmpty)
        XCTAssertEqual(second.retained.files, 3)
        let latest = Fixtures.alert()
        XCTAssertEqual(try second.write(latest).evicted, 1)
        XCTAssertEqual(names(directory, "new"), Array(survivors.dropFirst()) + [names(directory, "new").last!])
        XCTAssertEqual(try alertID(inFile: directory + "/new/" + names(directory, "new").last!), latest.id)

        // Files a consumer already took are forgotten, not counted as evicted.
        for name in names(directory, "new").prefix(2) { unlink(directory + "/new/" + name) }
        XCTAssertEqual(try second.write(Fixtures.alert()).evicted, 0)
        XCTAssertEqual(names(directory, "new").count, 2)
        second.close()
    }

    func testBatchWritesInOrderAndAppliesRetentionOnce() throws {
        let directory = try spoolDirectory()
        let writer = try SpoolWriter(configuration: .init(directory: directory, maxFiles: 2, fsync: false))
        let alerts = (0..<5).map { _ in Fixtures.alert() }
        let outcomes = writer.write(batch: alerts).map { try? $0.get() }
        XCTAssertEqual(outcomes, [0, 0, 0, 0, 3].map { AlertWriteReport(evicted: $0) })
        let kept = try names(directory, "new").map { try alertID(inFile: directory + "/new/" + $0) }
        XCTAssertEqual(kept, alerts.suffix(2).map(\.id))
        XCTAssertTrue(writer.write(batch: []).isEmpty)
        writer.close()
    }

    /// A reader polling new/ while the queued writer writes never sees a partial file.
    func testReadersNeverSeePartialFiles() throws {
        let directory = try spoolDirectory()
        let sink = try SpoolWriter.sink(configuration: .init(directory: directory, maxFiles: 20))
        let done = Locked(false)
        let checked = Locked(0)
        let problems = Locked([String]())
        let reader = Thread {
            while !done.withValue({ $0 }) {
                for name in (try? FileManager.default.contentsOfDirectory(atPath: directory + "/new")) ?? [] {
                    // Retention may remove a file between listing and reading.
                    guard let data = FileManager.default.contents(atPath: directory + "/new/" + name) else { continue }
                    let bytes = Array(data)
                    if bytes.last != 0x0A || (try? JSONReader.parse(Array(bytes.dropLast()))) == nil {
                        problems.withValue { $0.append(name) }
                    }
                    checked.withValue { $0 += 1 }
                }
            }
        }
        reader.start()
        let hostile = String(repeating: "x\n\u{0}\"", count: 2000)
        for i in 0..<60 { sink.deliver(Fixtures.alert(processName: i % 2 == 0 ? "nc" : hostile)) }
        XCTAssertTrue(sink.flush(timeoutMilliseconds: 30_000))
        done.withValue { $0 = true }
        while !reader.isFinished { usleep(1000) }
        XCTAssertEqual(problems.withValue { $0 }, [])
        XCTAssertGreaterThan(checked.withValue { $0 }, 0)
        XCTAssertEqual(sink.counters.delivered, 60)
        XCTAssertEqual(sink.counters.evicted, 40)
        XCTAssertEqual(names(directory, "new").count, 20)
        XCTAssertTrue(sink.close(timeoutMilliseconds: 5000))
    }

    func testUnwritableSpoolIsAClearError() throws {
        let directory = try spoolDirectory()
        _ = FileManager.default.createFile(atPath: directory, contents: Data())
        XCTAssertThrowsError(try SpoolWriter(configuration: .init(directory: directory))) { error in
            XCTAssertTrue(String(describing: error).contains("open \(directory) (refused: it is not a directory"), String(describing: error))
        }
    }

    /// A full disk (a 64 KiB tmpfs) is a counted failure: no partial file in tmp/ or new/, no crash, and the
    /// spool works again once space is freed.
    func testFullDiskIsCountedAndLeavesNothingBehind() throws {
        try Fixtures.requireRoot("mounting a tmpfs")
        let mountPoint = try Fixtures.temporaryDirectory("enospc")
        directories.append(mountPoint)
        let mounted = try Subprocess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", mountPoint])
        guard mounted.status == 0 else { throw XCTSkip("cannot mount a tmpfs here (status \(mounted.status))") }
        defer { Fixtures.umount(mountPoint) }

        let directory = mountPoint + "/spool"
        let sink = DirectSink(name: "spool", writer: try SpoolWriter(configuration: .init(directory: directory)))
        let big = String(repeating: "A", count: 9000)
        var attempts = 0
        while sink.counters.failed < 3 && attempts < 100 {
            sink.deliver(Fixtures.alert(processName: big))
            attempts += 1
        }
        let counters = sink.counters
        XCTAssertEqual(counters.failed, 3, counters.description)
        XCTAssertGreaterThan(counters.delivered, 0)
        XCTAssertTrue(counters.lastError?.contains("errno \(ENOSPC)") == true, counters.description)
        XCTAssertTrue(names(directory, "tmp").isEmpty, "partial file left in tmp/")
        let files = names(directory, "new")
        XCTAssertEqual(UInt64(files.count), counters.delivered)
        for name in files { _ = try alertID(inFile: directory + "/new/" + name) }

        for name in files.prefix(3) { unlink(directory + "/new/" + name) }
        sink.deliver(Fixtures.alert(processName: big))
        XCTAssertEqual(sink.counters.delivered, counters.delivered + 1)
        sink.close(timeoutMilliseconds: 1000)
    }
}

extension Fixtures {
    static func umount(_ path: String) {
        _ = try? Subprocess.run("/bin/umount", [path])
    }
}
