import Foundation
import Glibc
import XCTest
@testable import Alerting

/// Review "Reliability and security" F3 and F4: the spool never follows symlinks, refuses directories others
/// can write, deletes only names it writes, and retention survives an unlink error.
final class SpoolSecurityTests: XCTestCase {
    private var directories: [String] = []

    override func tearDown() {
        for directory in directories { try? FileManager.default.removeItem(atPath: directory) }
        directories = []
    }

    private func scratch() throws -> String {
        let path = try Fixtures.temporaryDirectory("spool-security")
        directories.append(path)
        return path
    }

    private func names(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    private func assertRefused(_ configuration: SpoolConfiguration, mentioning text: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SpoolWriter(configuration: configuration), file: file, line: line) { error in
            XCTAssertTrue(String(describing: error).contains(text), "\(error)", file: file, line: line)
        }
    }

    func testSymlinkedTmpIsRefusedAndItsTargetKeepsItsFiles() throws {
        let base = try scratch()
        let victim = base + "/victim"
        try FileManager.default.createDirectory(atPath: victim, withIntermediateDirectories: true)
        for name in ["passwd", "1700000000.000001P1Q1.ab.json"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: victim + "/" + name, contents: Data("x".utf8)))
        }
        try FileManager.default.createDirectory(atPath: base + "/spool", withIntermediateDirectories: true)
        XCTAssertEqual(symlink(victim, base + "/spool/tmp"), 0)
        assertRefused(.init(directory: base + "/spool"), mentioning: "symlink")
        XCTAssertEqual(names(victim), ["1700000000.000001P1Q1.ab.json", "passwd"])
    }

    func testSymlinkedNewOrRootIsRefusedAndNothingIsWrittenThere() throws {
        let base = try scratch()
        let elsewhere = base + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/spool/tmp", withIntermediateDirectories: true)
        XCTAssertEqual(symlink(elsewhere, base + "/spool/new"), 0)
        assertRefused(.init(directory: base + "/spool"), mentioning: "symlink")
        XCTAssertEqual(symlink(elsewhere, base + "/linked-spool"), 0)
        assertRefused(.init(directory: base + "/linked-spool"), mentioning: "symlink")
        XCTAssertEqual(names(elsewhere), [])
    }

    func testGroupOrWorldWritableDirectoriesAreRefused() throws {
        let base = try scratch()
        let spool = base + "/spool"
        try FileManager.default.createDirectory(atPath: spool + "/tmp", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: spool + "/new", withIntermediateDirectories: true)
        chmod(spool, 0o770)
        assertRefused(.init(directory: spool), mentioning: "group- or world-writable (mode 770)")
        chmod(spool, 0o750)
        chmod(spool + "/tmp", 0o757)
        assertRefused(.init(directory: spool), mentioning: "group- or world-writable (mode 757)")
        chmod(spool + "/tmp", 0o750)
        XCTAssertNoThrow(try SpoolWriter(configuration: .init(directory: spool)).close())
    }

    func testDirectoryOwnedByAnotherUserIsRefused() throws {
        try Fixtures.requireRoot("chown to another user")
        let spool = try scratch() + "/spool"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        XCTAssertEqual(chown(spool, 4242, 4242), 0)
        assertRefused(.init(directory: spool), mentioning: "owned by uid 4242")
        XCTAssertNil(SpoolDirectory.trustProblem(owner: 0, mode: 0o40750, user: 1000))
        XCTAssertNotNil(SpoolDirectory.trustProblem(owner: 1001, mode: 0o40750, user: 1000))
    }

    func testOnlyNamesAuspexWritesAreDeleted() throws {
        let spool = try scratch() + "/spool"
        try FileManager.default.createDirectory(atPath: spool + "/tmp", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: spool + "/new", withIntermediateDirectories: true)
        let outside = try scratch() + "/outside.json"
        XCTAssertTrue(FileManager.default.createFile(atPath: outside, contents: Data("keep".utf8)))
        let ours = "1600000000.000001P1Q1.0a.json"
        for path in ["/tmp/partial", "/tmp/" + ours, "/new/README", "/new/" + "1600000000.000002P1Q2.0b.json.bak"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: spool + path, contents: Data("{}\n".utf8)))
        }
        XCTAssertEqual(symlink(outside, spool + "/new/1500000000.000000P1Q1.ff.json"), 0)
        let writer = try SpoolWriter(configuration: .init(directory: spool, maxFiles: 1, fsync: false))
        XCTAssertEqual(names(spool + "/tmp"), ["partial"])
        XCTAssertEqual(writer.retained.files, 0)
        for _ in 0..<4 { _ = try writer.write(Fixtures.alert()) }
        writer.close()
        let left = names(spool + "/new")
        XCTAssertTrue(left.contains("README") && left.contains("1600000000.000002P1Q2.0b.json.bak"), "\(left)")
        XCTAssertTrue(left.contains("1500000000.000000P1Q1.ff.json"), "\(left)")
        XCTAssertEqual(try String(contentsOfFile: outside, encoding: .utf8), "keep")
        XCTAssertEqual(left.filter(SpoolDirectory.isSpoolName).count, 2)  // the newest alert and the symlink
    }

    func testRetentionSurvivesAnUnlinkError() throws {
        let spool = try scratch() + "/spool"
        let writer = try SpoolWriter(configuration: .init(directory: spool, maxFiles: 2, fsync: false))
        for _ in 0..<2 { _ = try writer.write(Fixtures.alert()) }
        // A consumer replaces the oldest alert with a directory of the same name: unlink fails with EISDIR.
        let oldest = names(spool + "/new")[0]
        XCTAssertEqual(unlink(spool + "/new/" + oldest), 0)
        XCTAssertEqual(mkdir(spool + "/new/" + oldest, 0o700), 0)
        var reports: [AlertWriteReport] = []
        for _ in 0..<6 { reports.append(try writer.write(Fixtures.alert())) }
        writer.close()
        XCTAssertEqual(writer.retentionErrors, 1)
        XCTAssertEqual(reports.map(\.retentionErrors).reduce(0, +), 1)
        XCTAssertEqual(reports.map(\.evicted).reduce(0, +), 5)
        let newFD = open(spool + "/new", O_RDONLY | O_DIRECTORY)
        defer { Glibc.close(newFD) }
        let regular = names(spool + "/new").filter { SpoolDirectory.regularFileSize($0, in: newFD) != nil }
        XCTAssertEqual(regular.count, 2, "retention stopped: \(names(spool + "/new"))")
    }

    func testSpoolNamePattern() {
        XCTAssertTrue(SpoolDirectory.isSpoolName("1733400000.012345P4242Q17.0f1e2d3c-aaaa-bbbb.json"))
        XCTAssertTrue(SpoolDirectory.isSpoolName("1.000000P1Q1..json"))
        for name in ["passwd", "1733400000.12345P1Q1.ab.json", "1733400000.012345P1Q1.ab.json.tmp",
                     "1733400000.012345P1Q1.zz.json", "../1733400000.012345P1Q1.ab.json", ".1.000000P1Q1.a.json"] {
            XCTAssertFalse(SpoolDirectory.isSpoolName(name), name)
        }
    }
}
