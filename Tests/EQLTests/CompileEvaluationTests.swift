@testable import EQL
@testable import EventModel
import XCTest

/// Per-event semantics of compiled conditions (spec §4.1–§4.4).
final class CompileEvaluationTests: XCTestCase {
    private let schema = GrowingSchema()

    /// Compiles `process where <condition>` and returns the events (by index) it matches.
    private func matching(_ condition: String, _ events: [[String: FieldValue]],
                          file: StaticString = #filePath, line: UInt = #line) -> [Int]
    {
        do {
            let query = try EQLCompiler(schema: schema).compile("any where \(condition)")
            guard let filter = query.eventFilter else { XCTFail("not an event query"); return [] }
            return events.indices.filter { filter.matches(schema.event(events[$0])) }
        } catch {
            XCTFail("\(condition): \(error)", file: file, line: line)
            return []
        }
    }

    func testCategoryIsAnExactTermOnEventCategory() throws {
        let filter = try XCTUnwrap(EQLCompiler(schema: schema).compile("process where true").eventFilter)
        XCTAssertEqual(filter.category, "process")
        XCTAssertTrue(filter.matches(schema.event(["event.category": "process"])))
        XCTAssertTrue(filter.matches(schema.event(["event.category": ["file", "process"]])))
        XCTAssertFalse(filter.matches(schema.event(["event.category": "Process"])))
        XCTAssertFalse(filter.matches(schema.event([:])))
        let any = try XCTUnwrap(EQLCompiler(schema: schema).compile("any where true").eventFilter)
        XCTAssertNil(any.category)
        XCTAssertTrue(any.matches(schema.event([:])), "any matches events without a category")
    }

    func testEqualityIsCaseSensitiveAndColonIsNot() {
        let events: [[String: FieldValue]] = [["n": "Bash"], ["n": "bash"], ["n": "BASH.x"], [:]]
        XCTAssertEqual(matching(#"n == "bash""#, events), [1])
        XCTAssertEqual(matching(#"n : "bash""#, events), [0, 1])
        XCTAssertEqual(matching(#"n : "bash*""#, events), [0, 1, 2])
        XCTAssertEqual(matching(#"n == "bash*""#, events), [], "no wildcards in ==")
        XCTAssertEqual(matching(#"n like "b*""#, events), [1])
        XCTAssertEqual(matching(#"n like~ "b?sh""#, events), [0, 1])
        XCTAssertEqual(matching(#"n in ("bash", "zsh")"#, events), [1])
        XCTAssertEqual(matching(#"n in~ ("BASH", "zsh")"#, events), [0, 1])
        XCTAssertEqual(matching(#"n in~ ("b*")"#, events), [], "in~ has no wildcards")
        XCTAssertEqual(matching(#"n : ("zsh", "*.X")"#, events), [2])
    }

    func testNegationMatchesMissingFields() {
        let events: [[String: FieldValue]] = [["n": "a"], ["n": "b"], [:]]
        XCTAssertEqual(matching(#"n != "a""#, events), [1, 2])
        XCTAssertEqual(matching(#"not n : "a""#, events), [1, 2])
        XCTAssertEqual(matching(#"n not in ("a")"#, events), [1, 2])
        XCTAssertEqual(matching(#"not n like "a""#, events), [1, 2])
        XCTAssertEqual(matching(#"n == null"#, events), [2])
        XCTAssertEqual(matching(#"n != null"#, events), [0, 1])
        XCTAssertEqual(matching(#"not (n : "a" or n : "b")"#, events), [2])
    }

    func testMultiValuedFieldsMatchAnyElement() {
        let events: [[String: FieldValue]] = [["args": ["ls", "-la"]], ["args": ["cat"]], ["args": []], ["args": [nil]]]
        XCTAssertEqual(matching(#"args == "-la""#, events), [0])
        XCTAssertEqual(matching(#"args != "-la""#, events), [1, 2, 3])
        XCTAssertEqual(matching(#"args like ("-*")"#, events), [0])
        XCTAssertEqual(matching(#"args in ("cat", "dog")"#, events), [1])
        XCTAssertEqual(matching(#"args == null"#, events), [2, 3], "[] and [null] count as missing")
        XCTAssertEqual(matching(#"length(args) == 3"#, events), [0, 1], "functions map over elements")
    }

    func testNumbersCompareNumerically() {
        let events: [[String: FieldValue]] = [["id": 82], ["id": 83], ["id": 84.0], ["id": "0"], ["id": "x"]]
        XCTAssertEqual(matching("id / 2 == 41", events), [0, 1], "integer division truncates")
        XCTAssertEqual(matching("id % 2 == 1", events), [1])
        XCTAssertEqual(matching("id >= 83", events), [1, 2])
        XCTAssertEqual(matching("id == 84", events), [2])
        XCTAssertEqual(matching("id in (0, 82)", events), [0, 3], "a keyword \"0\" equals 0 like a term query")
        XCTAssertEqual(matching(#"id == "0""#, events), [3])
        XCTAssertEqual(matching("83 < id", events), [2], "constant on the left is mirrored")
        XCTAssertEqual(matching("-id < -83", events), [2])
        XCTAssertEqual(matching(#"id < "1""#, events), [3], "string ordering against a numeric string")
    }

    func testStringOrderingIsCaseSensitiveByteOrder() {
        let events: [[String: FieldValue]] = [["s": "Foo"], ["s": "foo"], ["s": "bar"]]
        XCTAssertEqual(matching(#"s < "foo""#, events), [0, 2])
        XCTAssertEqual(matching(#"s >= "a""#, events), [1, 2])
    }

    func testNullExpressionsAndThreeValuedSubexpressions() {
        let events: [[String: FieldValue]] = [["a": "x", "b": "y"], ["a": "x"], ["code": 0], [:]]
        XCTAssertEqual(matching(#"concat(a, b) == null"#, events), [1, 2, 3])
        XCTAssertEqual(matching(#"concat(a, "-", b) == "x-y""#, events), [0])
        XCTAssertEqual(matching("null == (code > -1)", events), [0, 1, 3])
        XCTAssertEqual(matching("(code > -1) == true", events), [2])
    }

    func testBareBooleanFieldsAndConstants() {
        let events: [[String: FieldValue]] = [["flag": true], ["flag": false], [:]]
        XCTAssertEqual(matching("flag", events), [0])
        XCTAssertEqual(matching("not flag", events), [1, 2])
        XCTAssertEqual(matching("true", events), [0, 1, 2])
        XCTAssertEqual(matching("1 == 2 or flag", events), [0])
        XCTAssertEqual(matching("null", events), [])
    }

    func testStringFunctionsOnFields() {
        let events: [[String: FieldValue]] = [["p": "/usr/bin/Python3"], ["p": "/tmp/x"], [:]]
        XCTAssertEqual(matching(#"startsWith(p, "/usr")"#, events), [0])
        XCTAssertEqual(matching(#"endsWith~(p, "PYTHON3")"#, events), [0])
        XCTAssertEqual(matching(#"endsWith(p, "PYTHON3")"#, events), [])
        XCTAssertEqual(matching(#"stringContains(p, "tmp")"#, events), [1])
        XCTAssertEqual(matching(#"not stringContains(p, "tmp")"#, events), [0, 2])
        XCTAssertEqual(matching(#"indexOf(p, "/", 1) == 4"#, events), [0, 1])
        XCTAssertEqual(matching(#"substring(p, -7) == "Python3""#, events), [0])
        XCTAssertEqual(matching(#"between(p, "/", "/") == "usr""#, events), [0])
        XCTAssertEqual(matching(#"string(length(p)) == "6""#, events), [1])
        XCTAssertEqual(matching(#"number(substring(p, -1)) == 3"#, events), [0])
    }

    func testCidrMatch() {
        let events: [[String: FieldValue]] = [["ip": "10.1.2.3"], ["ip": "192.168.0.1"], ["ip": "fe80::1"],
                                              ["ip": "::ffff:10.0.0.1"], ["ip": "not-an-ip"],
                                              // A ":" inside a grapheme (colon + combining acute): no address.
                                              ["ip": "10.0.0.1:\u{301}"], ["ip": "fe80::1\u{301}"]]
        XCTAssertEqual(matching(#"cidrmatch(ip, "10.0.0.0/8", "fe80::/10")"#, events), [0, 2, 3])
        XCTAssertEqual(matching(#"not cidrMatch(ip, "192.168.0.0/16")"#, events), [0, 2, 3, 4, 5, 6])
        XCTAssertEqual(matching(#"cidrMatch(ip, "192.168.0.1")"#, events), [1])
    }

    func testRegexIsAnchoredLuceneSyntax() {
        let events: [[String: FieldValue]] = [["c": "abc123"], ["c": "ABC123"], ["c": "x abc123"], ["c": "a^b"]]
        XCTAssertEqual(matching(#"c regex "[a-z]+[0-9]+""#, events), [0])
        XCTAssertEqual(matching(#"c regex~ "[a-z]+\\d{3}""#, events), [0, 1])
        XCTAssertEqual(matching(#"c regex ".*abc.*""#, events), [0, 2])
        XCTAssertEqual(matching(#"c regex "a^b""#, events), [3], "^ is literal in Lucene syntax")
        XCTAssertEqual(matching(#"c regex ("zzz", "x @")"#, events), [2], "@ is any string")
        XCTAssertEqual(matching(#"c regex "abc<100-200>""#, events), [0], "numeric interval")
        XCTAssertEqual(matching(#"c regex "\"abc\"123""#, events), [0], "quoted literal")
    }

    func testUnknownFieldsCompileToNullAndAreListed() throws {
        let known = GrowingSchema(known: ["event.category", "a"])
        let query = try EQLCompiler(schema: known).compile(#"any where a == "x" and b != "y" and ?c == null"#)
        XCTAssertEqual(query.unknownFields, ["b", "c"])
        let filter = try XCTUnwrap(query.eventFilter)
        XCTAssertTrue(filter.matches(known.event(["a": "x"])), "b is always missing, so != matches")
        let strict = try XCTUnwrap(EQLCompiler(schema: known).compile(#"any where b == "y""#).eventFilter)
        XCTAssertFalse(strict.matches(known.event(["a": "x"])))
    }

    func testSequenceStagesCarryKeysRunsAndMissing() throws {
        let query = try EQLCompiler(schema: schema).compile("""
            sequence by host.id with maxspan=1m
              [process where true] by process.pid with runs=2
              ![file where true] by ?process.parent.pid
              [network where true] by process.pid
            until [process where true] by process.pid
            | head 3
            """)
        guard case .sequence(let sequence) = query.body else { return XCTFail("not a sequence") }
        XCTAssertEqual(sequence.maxspanNanos, 60_000_000_000)
        XCTAssertEqual(sequence.stages.map(\.runs), [2, 1, 1])
        XCTAssertEqual(sequence.stages.map(\.isMissing), [false, true, false])
        XCTAssertEqual(sequence.stages.map { $0.keys.map(\.text) },
                       [["host.id", "process.pid"], ["host.id", "?process.parent.pid"], ["host.id", "process.pid"]])
        XCTAssertEqual(sequence.stages[1].keys.map(\.isOptional), [false, true])
        XCTAssertEqual(sequence.until?.keys.count, 2)
        XCTAssertEqual(sequence.stages.map(\.filter.category), ["process", "file", "network"])
        XCTAssertEqual(query.pipes, [.head(3)])
        let event = schema.event(["host.id": "h1", "process.pid": [1, 2]])
        XCTAssertEqual(sequence.stages[0].keys[0].evaluate(event), "h1")
        XCTAssertEqual(sequence.stages[0].keys[1].evaluate(event), [1, 2])
        XCTAssertEqual(sequence.stages[1].keys[1].evaluate(event), .null)
    }

    func testSampleStages() throws {
        let query = try EQLCompiler(schema: schema).compile("sample by host.id [process where true] by user.id [file where true] by user.id")
        guard case .sample(let sample) = query.body else { return XCTFail("not a sample") }
        XCTAssertEqual(sample.stages.map { $0.keys.map(\.text) }, [["host.id", "user.id"], ["host.id", "user.id"]])
    }
}
