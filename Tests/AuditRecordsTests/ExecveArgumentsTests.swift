@testable import AuditRecords
import XCTest

final class ExecveArgumentsTests: XCTestCase {
    private func records(_ lines: [String]) throws -> [AuditRecord] { try lines.map { try parse($0).record() } }

    func testQuotedAndHexArguments() throws {
        let lines = [#"type=EXECVE msg=audit(1.000:1): argc=4 a0="python3" a1="-c" a2=7072696E742822612062222920 a3=(null)"#]
        let arguments = try XCTUnwrap(ExecveArguments(records: try records(lines)))
        XCTAssertEqual(arguments.argc, 4)
        XCTAssertEqual(arguments.strings, ["python3", "-c", "print(\"a b\") ", "(null)"])
        XCTAssertTrue(arguments.isComplete)
    }

    func testSplitArgumentAcrossRecords() throws {
        let lines = [
            #"type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=59 a0=10 a1=2"#,
            #"type=EXECVE msg=audit(1.000:1): argc=3 a0="/bin/echo" a1_len=12 a1[0]=414243"#,
            #"type=EXECVE msg=audit(1.000:1):  a1[1]=444546 a2="x""#,
        ]
        let arguments = try XCTUnwrap(ExecveArguments(records: try records(lines)))
        XCTAssertEqual(arguments.strings, ["/bin/echo", "ABCDEF", "x"])
        XCTAssertTrue(arguments.isComplete)
    }

    /// Whole arguments in order take a shortcut; a repeat, a gap or a piece after them must read as before.
    func testInOrderArgumentsThenOtherShapes() throws {
        func assembled(_ body: String) throws -> ExecveArguments<[UInt8]> {
            try XCTUnwrap(ExecveArguments(records: try records(["type=EXECVE msg=audit(1.000:1): " + body])))
        }
        XCTAssertEqual(try assembled(#"argc=2 a0="x" a1="y" a2="z""#).strings, ["x", "y"])
        XCTAssertTrue(try assembled(#"argc=2 a0="x" a1="y" a2="z""#).isComplete)
        XCTAssertEqual(try assembled(#"argc=3 a0="x" a1="y""#).strings, ["x", "y"])
        XCTAssertFalse(try assembled(#"argc=3 a0="x" a1="y""#).isComplete)
        XCTAssertEqual(try assembled(#"a0="x" a1="y""#).strings, ["x", "y"])
        XCTAssertTrue(try assembled(#"argc=0 a0="x""#).isComplete)
        XCTAssertEqual(try assembled(#"argc=0 a0="x""#).arguments, [])
        XCTAssertEqual(try assembled(#"argc=2 a0="x" a1="y" a0="w""#).strings, ["w", "y"], "a repeat: the last wins")
        XCTAssertEqual(try assembled(#"argc=3 a0="x" a2="z" a1="y""#).strings, ["x", "y", "z"], "out of order")
        XCTAssertEqual(try assembled(#"argc=2 a0="x" a1_len=4 a1[0]="ab" a1[1]="cd""#).strings, ["x", "abcd"])
        XCTAssertEqual(try assembled(#"argc=2 a0="x" a01="y""#).strings, ["x", "y"], "a01 is argument 1")
    }

    func testQuotedPieces() throws {
        let lines = [#"type=EXECVE msg=audit(1.000:1): argc=1 a0_len=6 a0[1]="def" a0[0]="abc""#]
        XCTAssertEqual(try XCTUnwrap(ExecveArguments(records: try records(lines))).strings, ["abcdef"])
    }

    func testMissingPiecesAndArgumentsAreIncomplete() throws {
        let missingTail = [#"type=EXECVE msg=audit(1.000:1): argc=1 a0_len=12 a0[0]=414243"#]
        let tail = try XCTUnwrap(ExecveArguments(records: try records(missingTail)))
        XCTAssertFalse(tail.isComplete)
        XCTAssertEqual(tail.strings, ["ABC"])

        let missingMiddle = [#"type=EXECVE msg=audit(1.000:1): argc=1 a0_len=6 a0[0]=414243 a0[2]=414243"#]
        XCTAssertFalse(try XCTUnwrap(ExecveArguments(records: try records(missingMiddle))).isComplete)

        let missingArgument = [#"type=EXECVE msg=audit(1.000:1): argc=3 a0="a" a2="c""#]
        let partial = try XCTUnwrap(ExecveArguments(records: try records(missingArgument)))
        XCTAssertFalse(partial.isComplete)
        XCTAssertEqual(partial.strings, ["a"])
    }

    func testWithoutArgcUsesHighestIndex() throws {
        let lines = [#"type=EXECVE msg=audit(1.000:1): a0="a" a1="b""#]
        let arguments = try XCTUnwrap(ExecveArguments(records: try records(lines)))
        XCTAssertNil(arguments.argc)
        XCTAssertEqual(arguments.strings, ["a", "b"])
    }

    func testNoExecveRecord() throws {
        XCTAssertNil(ExecveArguments(records: try records([#"type=CWD msg=audit(1.000:1): cwd="/""#])))
    }

    func testHostileIndexesDoNotAllocate() throws {
        let lines = [#"type=EXECVE msg=audit(1.000:1): argc=2147483647 a2147483646="x" a99999999999="y" a0[99999999999]=41"#]
        let arguments = try XCTUnwrap(ExecveArguments(records: try records(lines)))
        XCTAssertFalse(arguments.isComplete)
        XCTAssertEqual(arguments.arguments.count, 0)
    }

    /// laurel's record-execve-long.txt: argument 1 split across 3 EXECVE records.
    func testLaurelLongExecve() throws {
        let lines = try SharedSamples.lines("laurel/src/testdata/record-execve-long.txt")
        let records = lines.compactMap { try? AuditParser.parseLogLine($0).get() }
        XCTAssertEqual(records.count, lines.count)
        XCTAssertEqual(records.filter { $0.type == .execve }.count, 3)
        let arguments = try XCTUnwrap(ExecveArguments(records: records))
        XCTAssertTrue(arguments.isComplete)
        XCTAssertEqual(arguments.argc, 2)
        XCTAssertEqual(arguments.arguments.count, 2)
        XCTAssertEqual(arguments.strings[0], "/bin/echo")
        // Expected length from the record itself: a1_len counts hex digits, two per byte.
        let first = try XCTUnwrap(records.first { $0.type == .execve })
        let encodedLength = try XCTUnwrap(first["a1_len"]?.int)
        XCTAssertEqual(arguments.arguments[1].count, Int(encodedLength) / 2)
        // The sample marks each piece's first and last byte (b…c, d…e, f…g) between runs of 'a': the pieces
        // must come out in order and whole.
        let argument = arguments.arguments[1]
        let markers = argument.filter { $0 != UInt8(ascii: "a") }
        XCTAssertEqual(String(decoding: markers, as: UTF8.self), "bcdefg")
        XCTAssertTrue(argument.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") })
    }

    /// Arguments made straight from their values (the normalizer's texts, cut to a limit) equal the bytes made into
    /// texts afterwards, whatever the shape: whole in order, repeats, gaps, pieces, hex-encoded and cut ones.
    func testArgumentsMadeFromTheirValuesEqualTheBytesPath() throws {
        let bodies = [
            #"argc=2 a0="x" a1="y" a2="z""#, #"argc=3 a0="x" a1="y""#, #"a0="x" a1="y""#, #"argc=0 a0="x""#,
            #"argc=2 a0="x" a1="y" a0="w""#, #"argc=3 a0="x" a2="z" a1="y""#,
            #"argc=2 a0="x" a1_len=4 a1[0]="ab" a1[1]="cd""#, #"argc=2 a0=2F62696E2F6C73 a1="-l""#,
            #"argc=1 a0="abcdefghij""#, #"argc=2 a0=C3A9C3A9C3A9 a1_len=6 a1[0]=6162 a1[1]="cdef""#, "argc=1",
        ]
        let limit = 4
        for body in bodies {
            let records = try records(["type=EXECVE msg=audit(1.000:1): " + body])
            let bytes = try XCTUnwrap(ExecveArguments(records: records))
            var lastMade: [Int: Int] = [:]  // argument number → the order of its last making
            var makings = 0
            let made = try XCTUnwrap(ExecveArguments(
                records: records,
                whole: { number, value in
                    makings += 1
                    lastMade[number] = makings
                    return value.decodedText(limit: limit)
                },
                joined: { number, bytes in
                    makings += 1
                    lastMade[number] = makings
                    return (String(decoding: bytes.prefix(limit), as: UTF8.self), bytes.count > limit)
                }))
            // Every kept argument was made under its own number, and the kept ones last in number order.
            let order = (0..<made.arguments.count).map { lastMade[$0] ?? 0 }
            XCTAssertEqual(order, order.sorted(), body)
            XCTAssertFalse(order.contains(0), body)
            XCTAssertEqual(made.argc, bytes.argc, body)
            XCTAssertEqual(made.isComplete, bytes.isComplete, body)
            XCTAssertEqual(made.arguments.map(\.0),
                           bytes.arguments.map { String(decoding: $0.prefix(limit), as: UTF8.self) }, body)
            XCTAssertEqual(made.arguments.map(\.1), bytes.arguments.map { $0.count > limit }, body)
        }
    }
}
