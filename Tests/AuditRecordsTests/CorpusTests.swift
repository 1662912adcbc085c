@testable import AuditRecords
import Foundation
import XCTest

/// Every line of every file under ../shared/audit-samples goes through the parser.
final class CorpusTests: XCTestCase {
    func testEveryLineOfEverySampleParsesOrGivesAReason() throws {
        var parsed = 0
        var rejected: [String: Int] = [:]
        var auditLinesRejected: [String] = []
        for file in try SharedSamples.allFiles() {
            let bytes = [UInt8](try Data(contentsOf: file))
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                switch AuditParser.parseLogLine(line) {
                case .success(let record):
                    parsed += 1
                    exercise(record)
                case .failure(let error):
                    rejected[error.reason.rawValue, default: 0] += 1
                    XCTAssertFalse(error.description.isEmpty)
                    // Lines that look like audit records must parse; the rest (JSON, README, …) may not.
                    let text = line.drop { $0 == UInt8(ascii: " ") }
                    if (text.starts(with: "type=".utf8) || text.starts(with: "node=".utf8)) && !knownBroken(text) {
                        auditLinesRejected.append("\(file.lastPathComponent): \(error): \(String(decoding: line.prefix(80), as: UTF8.self))")
                    }
                }
            }
        }
        XCTAssertGreaterThanOrEqual(parsed, 984, "every record line in the corpus")
        XCTAssertEqual(auditLinesRejected, [], "audit lines rejected")
        print("corpus: \(parsed) records parsed, rejected by reason: \(rejected.sorted { $0.key < $1.key })")
    }

    /// Lines the sample authors made malformed on purpose (go-libaudit's golden output for it is `null`).
    private func knownBroken(_ line: ArraySlice<UInt8>) -> Bool {
        line.elementsEqual("type=UNKNOWN[1329] msg=?".utf8)
    }

    /// Touches every accessor so decoding paths run over real data too.
    private func exercise(_ record: AuditRecord) {
        _ = record.type.name
        _ = record.node
        for index in 0..<record.fieldCount {
            let value = record.value(at: index)
            _ = value.string
            _ = value.int
            _ = value.hexUInt
            _ = value.isMissing
        }
        if record.type == .sockaddr, let saddr = record["saddr"] { _ = SocketAddress(saddr: saddr)?.familyName }
        if record.type == .syscall, let arch = record["arch"].flatMap(AuditArch.init), let number = record["syscall"]?.int {
            _ = arch.syscallName(Int(number))
        }
        if record.type == .execve { _ = ExecveArguments(records: [record]) }
    }
}
