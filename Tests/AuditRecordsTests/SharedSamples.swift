@testable import AuditRecords
import Foundation
import PackageTestSupport
import XCTest

/// Locates `../shared/audit-samples` next to the package root, from this file's path.
enum SharedSamples {
    static func directory() throws -> URL {
        try PackagePaths.shared("audit-samples")
    }

    static func url(_ relativePath: String) throws -> URL {
        try directory().appendingPathComponent(relativePath)
    }

    /// The file's lines as bytes (split on `\n`, empty lines dropped).
    static func lines(_ relativePath: String) throws -> [ArraySlice<UInt8>] {
        let data = try Data(contentsOf: url(relativePath))
        return [UInt8](data).split(separator: UInt8(ascii: "\n"))
    }

    /// Every regular file under the samples directory.
    static func allFiles() throws -> [URL] {
        let root = try directory()
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            return []
        }
        var files: [URL] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            files.append(url)
        }
        return files.sorted { $0.path < $1.path }
    }
}

/// Test shorthand: parse a log line given as text.
func parse(_ line: String) -> AuditRecordResult { AuditRecordResult(line) }

/// The outcome of parsing one test line.
struct AuditRecordResult {
    let result: Result<AuditRecord, AuditParseError>
    init(_ line: String) { result = AuditParser.parseLogLine(Array(line.utf8)) }

    func record(file: StaticString = #filePath, line: UInt = #line) throws -> AuditRecord {
        switch result {
        case .success(let record): return record
        case .failure(let error):
            XCTFail("parse failed: \(error)", file: file, line: line)
            throw error
        }
    }

    var error: AuditParseError? {
        if case .failure(let error) = result { return error }
        return nil
    }
}
