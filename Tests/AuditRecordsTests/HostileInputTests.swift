import PackageTestSupport
@testable import AuditRecords
import XCTest

/// Truncated, oddly quoted, huge, invalid-hex and non-UTF-8 input never crashes and never loses the error reason.
final class HostileInputTests: XCTestCase {
    private let sample = Array(#"node=n1 type=EXECVE msg=audit(1615150974.493:21028): argc=3 a0="/bin/echo" a1_len=8 a1[0]=41424344 a2=2F7573722F62696E saddr=0A0001BB000000002607F8B0400C0C06000000000000006700000000 msg='op=x acct="r" res=1'"#.utf8)

    /// Every prefix of a rich line either parses or fails with a reason; accessors on what parsed stay safe.
    func testEveryTruncation() {
        var parsed = 0
        for length in 0...sample.count {
            switch AuditParser.parseLogLine(sample[..<length]) {
            case .success(let record):
                parsed += 1
                touch(record)
            case .failure(let error):
                XCTAssertLessThanOrEqual(error.offset, length)
            }
        }
        XCTAssertGreaterThan(parsed, sample.count / 2)
    }

    func testOddQuoting() throws {
        let lines = [
            #"type=PATH msg=audit(1.000:1): name="unterminated"#,
            #"type=PATH msg=audit(1.000:1): name='unterminated"#,
            #"type=PATH msg=audit(1.000:1): name="" x="#,
            #"type=PATH msg=audit(1.000:1): ="x" ==== = '' " ' a='b"c' d="e'f""#,
            #"type=USER_CMD msg=audit(1.000:1): msg='msg='msg='x=1'''"#,
            #"type=PATH msg=audit(1.000:1): a"b=c"#,
        ]
        for line in lines {
            let record = try parse(line).record()
            touch(record)
        }
        let unterminated = try parse(#"type=PATH msg=audit(1.000:1): name="unterminated"#).record()
        XCTAssertEqual(unterminated["name"]?.string, "unterminated")
        let mixed = try parse(#"type=PATH msg=audit(1.000:1): a='b"c' d="e'f""#).record()
        XCTAssertEqual(mixed["a"]?.string, #"b"c"#)
        XCTAssertEqual(mixed["d"]?.string, "e'f")
    }

    func testHugeValues() throws {
        let hex = String(repeating: "41", count: 200_000)
        let record = try parse("type=EXECVE msg=audit(1.000:1): argc=1 a0=\(hex) a1=\(String(repeating: "9", count: 5000))").record()
        XCTAssertEqual(record["a0"]?.decodedBytes.count, 200_000)
        XCTAssertNil(record["a1"]?.int)
        XCTAssertNil(record["a1"]?.hexUInt)
        // Beyond Int64 nanoseconds: a malformed record (counted by the callers), never a wrapped time.
        XCTAssertEqual(parse("type=SYSCALL msg=audit(99999999999999999.999:1): x=1").error?.reason, .timestampOutOfRange)
        XCTAssertEqual(parse("type=SYSCALL msg=audit(9999999999999999999.999:1): x=1").error?.reason, .malformedTimestamp)
    }

    func testInvalidHexEverywhere() throws {
        let record = try parse("type=SOCKADDR msg=audit(1.000:1): saddr=0G00 exe=ZZ comm=A").record()
        XCTAssertNil(SocketAddress(saddr: try XCTUnwrap(record["saddr"])))
        XCTAssertEqual(record["exe"]?.string, "ZZ")
        XCTAssertEqual(record["comm"]?.string, "A")
    }

    func testNonUTF8AndControlBytes() throws {
        var line = Array("type=PATH msg=audit(1.000:1): name=\"".utf8)
        line += [0xff, 0xfe, 0x00, 0x1b, 0xc3]
        line += Array("\" x=\u{0}y".utf8)
        let record = try AuditParser.parseLogLine(line).get()
        XCTAssertEqual(record["name"]?.rawBytes.count, 5)
        XCTAssertFalse(record["name"]!.string.isEmpty)
        touch(record)
        XCTAssertEqual(AuditParser.parseLogLine([0xff, 0xfe]).failure?.reason, .missingType)
        var node = Array("node=".utf8) + [0xff] + Array(" type=EOE msg=audit(1.000:1):".utf8)
        XCTAssertEqual(try AuditParser.parseLogLine(node).get().node, "\u{FFFD}")
        node = Array("node= type=EOE msg=audit(1.000:1):".utf8)
        XCTAssertEqual(try AuditParser.parseLogLine(node).get().node, "")
    }

    /// Deterministic pseudo-random mutations of real lines (a small fuzz pass, seconds at most).
    func testRandomMutations() {
        var generator = SplitMix64(seed: 0x5eed)
        let alphabet = Array("=\"' ()[]:.\u{1d}0aA_-".utf8) + [0, 0xff]
        for _ in 0..<1000 {
            var line = sample
            for _ in 0..<Int(generator.next() % 8 + 1) {
                let position = Int(generator.next() % UInt64(line.count))
                switch generator.next() % 3 {
                case 0: line[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: line.remove(at: position)
                default: line.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: position)
                }
            }
            if case .success(let record) = AuditParser.parseLogLine(line) { touch(record) }
            if case .success(let record) = AuditParser.parseNetlink(type: 1309, payload: line.drop { $0 != UInt8(ascii: "a") }) {
                touch(record)
            }
        }
    }

    private func touch(_ record: AuditRecord) {
        _ = record.type.name
        _ = record.node
        for index in 0..<record.fieldCount {
            _ = record.keyString(at: index)
            let value = record.value(at: index)
            _ = (value.string, value.int, value.uint, value.hexUInt, value.isMissing, value.decodedBytes)
        }
        if let saddr = record["saddr"] { _ = SocketAddress(saddr: saddr) }
        _ = ExecveArguments(records: [record, record])
    }
}


extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
