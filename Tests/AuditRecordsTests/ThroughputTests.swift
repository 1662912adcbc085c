@testable import AuditRecords
import Foundation
import XCTest

/// Parse throughput over a synthetic log built from the sample corpus. Opt-in (`AUSPEX_BENCH=1`), and meaningful only
/// in a release build: `AUSPEX_BENCH=1 swift test -c release --filter ThroughputTests`.
final class ThroughputTests: XCTestCase {
    func testParseThroughput() throws {
        guard ProcessInfo.processInfo.environment["AUSPEX_BENCH"] == "1" else {
            throw XCTSkip("set AUSPEX_BENCH=1 (and build with -c release) to measure parse throughput")
        }
        let sources = ["go-libaudit/testdata/normal.log", "synthetic/udp-reverse-shell-synthetic.log",
                       "laurel/src/testdata/record-execve.txt", "laurel/src/testdata/record-connect.txt",
                       "laurel/src/testdata/record-perl-reverse-shell.txt", "laurel/src/testdata/shell-proc-trace.txt"]
        var sample: [ArraySlice<UInt8>] = []
        for source in sources {
            sample += try SharedSamples.lines(source).filter { $0.starts(with: "type=".utf8) || $0.starts(with: "node=".utf8) }
        }
        let lines = (0..<(200_000 / sample.count + 1)).flatMap { _ in sample }
        var best = Double.infinity
        for _ in 0..<3 {
            var parsed = 0
            let start = DispatchTime.now().uptimeNanoseconds
            for line in lines { if case .success = AuditParser.parseLogLine(line) { parsed += 1 } }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            XCTAssertEqual(parsed, lines.count)
        }
        print("parse throughput: \(Int(Double(lines.count) / best)) records/s over \(lines.count) records")
    }
}
