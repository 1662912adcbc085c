@testable import EQL
@testable import EventModel
import XCTest

final class SyntaxParserTests: XCTestCase {
    private func tokens(_ text: String) throws -> [Token.Kind] {
        try Lexer.tokenize(text).map(\.kind)
    }

    private func parseError(_ query: String, file: StaticString = #filePath, line: UInt = #line) -> EQLError? {
        do {
            let ast = try Parser.parse(query)
            try Verifier.verify(ast)
            XCTFail("expected an error for: \(query)", file: file, line: line)
            return nil
        } catch {
            return error as? EQLError
        }
    }

    // MARK: lexer

    func testLexerStringsCommentsAndNames() throws {
        let kinds = try tokens(#"a.b // line comment"# + "\n" + #"/* block */ "x\"y\\z\t\u{41}" """raw\d""" `odd-name` ?f startsWith~"#)
        XCTAssertEqual(kinds, [
            .name("a.b"), .string("x\"y\\z\tA"), .string(#"raw\d"#), .quotedName("odd-name"),
            .symbol("?"), .name("f"), .tildeName("startsWith"), .end,
        ])
    }

    func testLexerNumbersAndOperators() throws {
        XCTAssertEqual(try tokens("1 2.5 3e2 == != <= >= < > : %"), [
            .integer(1), .decimal(2.5), .decimal(300), .symbol("=="), .symbol("!="), .symbol("<="), .symbol(">="),
            .symbol("<"), .symbol(">"), .symbol(":"), .symbol("%"), .end,
        ])
        XCTAssertEqual(try tokens("5s"), [.integer(5), .name("s"), .end])
        XCTAssertEqual(try tokens("`a``b`"), [.quotedName("a`b"), .end])
    }

    func testLexerErrorsCarryPositions() {
        XCTAssertEqual(parseError("process where\n  x == 'a'")?.description,
                       "2:8: single-quoted strings are not supported; use double quotes \"…\"")
        XCTAssertEqual(parseError("process where x == \"abc")?.description, "1:20: unterminated string")
        XCTAssertEqual(parseError("process where x == \"a\\qb\"")?.description,
                       "1:22: invalid escape sequence \\q in string")
        XCTAssertEqual(parseError("process where /* open")?.description, "1:15: unterminated /* comment")
        XCTAssertEqual(parseError("process where x == #")?.description, "1:20: unexpected character \"#\"")
        XCTAssertEqual(parseError("process where é == #")?.line, 1)
        XCTAssertEqual(parseError("process where é == #")?.column, 15, "columns count characters, not bytes")
    }

    // MARK: parser

    func testEventQueryShapes() throws {
        let q = try Parser.parse(#"process where process.name == "sh" and not ?process.args : ("a*", "b")"#)
        guard case .event(let filter) = q.body else { return XCTFail("not an event query") }
        XCTAssertEqual(filter.category, "process")
        guard case .and(let left, let right) = filter.condition.kind,
            case .comparison(.equal, _, _) = left.kind,
            case .not(let inner) = right.kind,
            case .match(.insensitiveEquals, let operand, let patterns) = inner.kind,
            case .field("process.args", optional: true) = operand.kind
        else { return XCTFail("unexpected tree \(filter.condition)") }
        XCTAssertEqual(patterns.count, 2)

        let any = try Parser.parse("any where true")
        guard case .event(let anyFilter) = any.body else { return XCTFail() }
        XCTAssertNil(anyFilter.category)

        let quoted = try Parser.parse(#""my-category" where `x-y` != null | head 5 | tail 2"#)
        guard case .event(let quotedFilter) = quoted.body else { return XCTFail() }
        XCTAssertEqual(quotedFilter.category, "my-category")
        XCTAssertEqual(quoted.pipes.map(\.kind), [.head, .tail])
        XCTAssertEqual(quoted.pipes.map(\.count), [5, 2])
    }

    func testPrecedence() throws {
        // `not` binds tighter than `and`, which binds tighter than `or`; * before +.
        let e = try Parser.parseExpression("not a == 1 and b == 2 or c == 1 + 2 * 3")
        guard case .or(let left, let right) = e.kind, case .and(let na, _) = left.kind, case .not = na.kind,
            case .comparison(.equal, _, let sum) = right.kind, case .arithmetic(.add, _, let product) = sum.kind,
            case .arithmetic(.multiply, _, _) = product.kind
        else { return XCTFail("unexpected tree \(e)") }
    }

    func testMembershipAndMatchForms() throws {
        for (text, insensitive) in [("x in (1, 2)", false), ("x in~ (\"a\")", true)] {
            guard case .membership(let ci, _, let items) = try Parser.parseExpression(text).kind else {
                return XCTFail(text)
            }
            XCTAssertEqual(ci, insensitive)
            XCTAssertFalse(items.isEmpty)
        }
        guard case .not(let inner) = try Parser.parseExpression("x not in (\"a\", \"b\")").kind,
            case .membership(false, _, let items) = inner.kind
        else { return XCTFail("not in") }
        XCTAssertEqual(items.count, 2)
        let ops: [(String, MatchOperator)] = [("like", .like), ("like~", .likeInsensitive), ("regex", .regex),
                                              ("regex~", .regexInsensitive), (":", .insensitiveEquals)]
        for (op, expected) in ops {
            guard case .match(let parsed, _, _) = try Parser.parseExpression("x \(op) \"a\"").kind else {
                return XCTFail(op)
            }
            XCTAssertEqual(parsed, expected)
        }
    }

    func testSequenceStructure() throws {
        let q = try Parser.parse("""
            sequence by host.id with maxspan=30s
              [process where true] by process.pid with runs=3
              ![file where true] by process.pid
              [process where true] by process.parent.pid
            until [process where event.type == "end"] by process.pid
            """)
        guard case .sequence(let s) = q.body else { return XCTFail() }
        XCTAssertEqual(s.maxspanNanos, 30_000_000_000)
        XCTAssertEqual(s.keys.count, 1)
        XCTAssertEqual(s.stages.map(\.runs), [3, nil, nil])
        XCTAssertEqual(s.stages.map(\.isMissing), [false, true, false])
        XCTAssertNotNil(s.until)
        for (span, nanos) in [("500ms", 500_000_000), ("2m", 120_000_000_000), ("1h", 3_600_000_000_000),
                              ("1d", 86_400_000_000_000)] as [(String, Int64)]
        {
            guard case .sequence(let t) = try Parser.parse("sequence with maxspan=\(span) [a where true] [b where true]").body
            else { return XCTFail() }
            XCTAssertEqual(t.maxspanNanos, nanos, span)
        }
    }

    func testSampleStructure() throws {
        let q = try Parser.parse("sample by host.id [process where true] [network where true]")
        guard case .sample(let s) = q.body else { return XCTFail() }
        XCTAssertEqual(s.stages.count, 2)
        XCTAssertEqual(s.keys.count, 1)
    }

    func testSyntaxErrorsSayWhatWasExpected() {
        XCTAssertEqual(parseError("process x == 1")?.description,
                       "1:9: expected \"where\" after the event category but found \"x\"")
        XCTAssertEqual(parseError("process where x = 1")?.description,
                       "1:17: \"=\" is not an operator; use \"==\" to compare")
        XCTAssertEqual(parseError("process where x ==")?.description,
                       "1:19: expected a field, value or function call but found end of query")
        XCTAssertEqual(parseError("process where 1 < x < 3")?.description,
                       "1:21: chained comparisons are not supported; combine them with \"and\"")
        XCTAssertEqual(parseError("sequence\n  [process where true\n  [file where true]")?.description,
                       "3:3: expected \"]\" to close the stage, or an operator but found \"[\"")
        XCTAssertEqual(parseError("process where x in \"a\"")?.description,
                       "1:20: expected \"(\" to start a list but found string \"a\"")
        XCTAssertEqual(parseError("process where true | sort x")?.description,
                       "1:22: unknown pipe \"sort\": Elasticsearch EQL supports only head and tail")
        XCTAssertEqual(parseError("sequence with maxspan=10 [a where true] [b where true]")?.description,
                       "1:23: no time unit specified for maxspan=10; use ms, s, m, h or d")
        XCTAssertEqual(parseError("sequence with maxspan=10y [a where true] [b where true]")?.description,
                       "1:25: unknown time unit \"y\" for maxspan; use ms, s, m, h or d")
        XCTAssertEqual(parseError("sequence with maxspan=0s [a where true] [b where true]")?.description,
                       "1:23: maxspan must be greater than 0")
        XCTAssertEqual(parseError("sequence with maxspan=1s by x [a where true] [b where true]")?.description,
                       "1:26: \"by\" must come before \"with maxspan\" in a sequence")
        XCTAssertEqual(parseError("process where ?\"raw\" == x")?.description,
                       "1:15: ?\"…\" raw strings are not supported; use \"\"\"…\"\"\"")
        XCTAssertEqual(parseError("")?.description,
                       "1:1: empty query: expected an event query, \"sequence\" or \"sample\"")
        XCTAssertEqual(parseError("process where x == 1 y")?.description,
                       "1:22: expected \"and\", \"or\", another operator, \"|\" or end of query but found \"y\"")
    }

    func testHostileNestingIsAnErrorNotACrash() throws {
        let deep = String(repeating: "(", count: 5000) + "x" + String(repeating: ")", count: 5000)
        XCTAssertEqual(parseError("process where \(deep) == 1")?.message,
                       "expression nested too deeply (more than 200 levels)")
        XCTAssertEqual(parseError("process where " + String(repeating: "not ", count: 5000) + "x")?.message,
                       "expression nested too deeply (more than 200 levels)")
        XCTAssertEqual(parseError("process where x == " + Array(repeating: "1", count: 5000).joined(separator: " + "))?
            .message, "arithmetic chain too long (more than 200 operators)")
        // Long alternatives are fine: chains become balanced trees.
        let alternatives = (0..<5000).map { "x == \"v\($0)\"" }.joined(separator: " or ")
        let query = try EQLCompiler(schema: GrowingSchema()).compile("any where \(alternatives)")
        XCTAssertNotNil(query.eventFilter)
    }

    // MARK: verifier

    func testVerifierRejectsWhatElasticsearchRejects() {
        let cases: [(String, String)] = [
            ("process where a == b", "1:17: comparing a field with another field is not supported (\"==\" between a and b)"),
            ("process where length(a) > length(b)", "1:25: comparing a field with another field is not supported (\">\" between a and b)"),
            ("process where foo(a)", "1:15: unknown function \"foo\""),
            ("process where length(a, b)", "1:15: length takes 1 argument, found 2"),
            ("process where substring(a)", "1:15: substring takes 2 to 3 arguments, found 1"),
            ("process where concat~(a)", "1:15: concat has no case-insensitive form \"concat~\""),
            ("process where startsWith(a, 1)", "1:29: argument 2 of startsWith has the wrong type: number 1"),
            ("process where a + \"x\" == 1", "1:19: arithmetic \"+\" needs numbers, found string \"x\""),
            ("process where a : b", "1:19: \":\" needs string patterns, found the field b"),
            ("process where a like 1", "1:22: \"like\" needs string patterns, found number 1"),
            ("process where a in (1, b)", "1:24: \"in\" lists must hold constants; found the field b"),
            ("process where divide(a, 0) == 1", "1:25: divide by zero"),
            ("sequence [a where true]", "1:1: a sequence needs at least 2 stages (counting runs), found 1"),
            ("sequence [a where true] with runs=0 [b where true]", "1:30: runs must be between 1 and 100, found 0"),
            ("sequence [a where true] with runs=101", "1:30: runs must be between 1 and 100, found 101"),
            ("sequence by x [a where true] by y [b where true]",
             "1:35: inconsistent number of join keys: expected 2 (as in the first stage) but found 1"),
            ("sequence [a where true] by y [b where true] by y until [c where true]",
             "1:56: inconsistent number of join keys: expected 1 (as in the first stage) but found 0"),
            ("sequence [a where true] ![b where true]",
             "1:25: missing events ![…] require \"with maxspan=…\" on the sequence"),
            ("sequence with maxspan=1s ![a where true] ![b where true]",
             "1:1: a sequence needs at least one stage that is not a missing event ![…]"),
            ("sample [a where true] [b where true]", "1:1: a sample needs join keys: \"sample by …\" or \"[…] by …\""),
            ("sample by x [a where true] [b where true] | head 1", "1:43: sample queries accept no pipes"),
            ("sample by x [a where true] with runs=2 [b where true]", "1:33: \"with runs\" is not allowed in a sample"),
            ("sample by x [a where true] ![b where true]", "1:28: missing events \"![…]\" are only allowed in sequences"),
            ("process where x regex \"a~b\"",
             "1:23: invalid regular expression \"a~b\": complement \"~\" is not supported (escape it as \\~ to match it literally) at position 1"),
            ("process where 1 + x", "1:17: a condition must be boolean, found an arithmetic expression"),
            ("process where length(x)", "1:15: a condition must be boolean, found length(…), which is not"),
            ("process where \"x\"", "1:15: a condition must be boolean, found string \"x\""),
            ("network where cidrMatch(ip, \"10.0.0.0/33\")",
             "1:29: cidrMatch: invalid network string \"10.0.0.0/33\"; expected e.g. \"10.0.0.0/8\" or \"fe80::/10\""),
        ]
        for (query, expected) in cases {
            do {
                _ = try EQLCompiler(schema: GrowingSchema()).compile(query)
                XCTFail("expected an error for: \(query)")
            } catch {
                XCTAssertEqual((error as? EQLError)?.description, expected, query)
            }
        }
    }

    func testVerifierAcceptsCornerCasesElasticsearchAccepts() throws {
        for query in [
            "process where startsWith(process.name, process.parent.name)",  // field args to functions are fine
            "sequence [a where true] with runs=2",                           // runs counts towards 2 stages
            "process where 1 < process.pid",                                 // constant on the left
            "sequence with maxspan=1m [a where true] by x ![b where true] by x [c where true] by x",
            "process where x == null and ?y != null",
        ] {
            XCTAssertNoThrow(try EQLCompiler(schema: GrowingSchema()).compile(query), query)
        }
        // `?x == ?y` is fine while the optional fields are unknown to the source (both are null)…
        XCTAssertNoThrow(try EQLCompiler(schema: GrowingSchema(known: [])).compile("process where ?x == ?y"))
        // …and a field-with-field comparison once both exist.
        XCTAssertThrowsError(try EQLCompiler(schema: GrowingSchema()).compile("process where ?x == ?y")) {
            XCTAssertEqual(($0 as? EQLError)?.description,
                           "1:18: comparing a field with another field is not supported (\"==\" between x and y)")
        }
    }
}
