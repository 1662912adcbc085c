import XCTest
@testable import Rules

/// Inputs the fuzzer found (`make fuzz`, target rule-toml), kept so they stay fixed.
final class FuzzRegressionTests: XCTestCase {
    /// A table header whose key starts with neither a key character nor a quote made toml++ (under TOMLKit) abort
    /// the process on an assertion, in `auspex check`, `run` and reload alike. Now a located syntax error.
    func testTableHeaderWithoutAKeyIsASyntaxErrorNotAnAbort() throws {
        let cases: [(text: String, line: Int, column: Int)] = [
            ("[\u{0E}", 1, 2),  // the fuzzer's minimized input
            ("[!]\n", 1, 2),
            ("[ \t!]\n", 1, 4),
            ("[\n", 1, 2),
            ("[\r\n", 1, 2),
            ("[[[rule]]]\n", 1, 3),
            ("[[ .rule]]\n", 1, 4),
            ("\u{FEFF}[[[metadata]]]\n", 1, 3),  // after a byte-order mark, which toml++ skips
            ("[metadata]\nx = 1\n\n[rule]\ntype = \"eql\"\n[\u{7F}]\n", 6, 2),
        ]
        for (text, line, column) in cases {
            let (outcome, diagnostics) = RuleLoader().parse(text: text, file: "bad.toml")
            XCTAssertEqual(outcome, .failed, text.debugDescription)
            XCTAssertEqual(diagnostics.map(\.location), [SourceLocation(line: line, column: column)], text.debugDescription)
            XCTAssertTrue(diagnostics.first?.message.hasPrefix("TOML syntax error") ?? false, text.debugDescription)
        }
        let config = ConfigLoader.parse(text: "[spool]\n[\u{01}]\n", file: "auspex.toml")
        XCTAssertEqual(config.diagnostics.map(\.location), [SourceLocation(line: 2, column: 2)])
    }

    /// A `}` where an array's element starts made toml++ abort as well (`["endp.*", "endgame-*",}867-05-27 ]`).
    func testBraceWhereAnArrayElementStartsIsASyntaxErrorNotAnAbort() throws {
        let cases: [(text: String, line: Int, column: Int)] = [
            ("integration = [\"endp.*\", \"endgame-*\",}867-05-27 ]\n", 1, 38),  // the fuzzer's, cut
            ("a = [}]\n", 1, 6),
            ("a = [1, # c\n }\n", 2, 2),
            ("a = [[1], {x = [}]}]\n", 1, 17),
        ]
        for (text, line, column) in cases {
            let (outcome, diagnostics) = RuleLoader().parse(text: text, file: "bad.toml")
            XCTAssertEqual(outcome, .failed, text.debugDescription)
            XCTAssertEqual(diagnostics.map(\.location), [SourceLocation(line: line, column: column)], text.debugDescription)
        }
        XCTAssertFalse(RuleLoader().parse(text: "a = {x = [1]}\nb = [{y = 2}, {}]\n", file: "ok.toml").1
            .contains { $0.message.hasPrefix("TOML syntax error") })
    }

    /// A date-time value with no digit after its `T` made toml++ abort too, when a colon followed
    /// (`0989-05-27T"https://…` in the fuzzer's input). Now a located syntax error, wherever a value starts.
    func testDateTimeWithoutATimeIsASyntaxErrorNotAnAbort() throws {
        let cases: [(text: String, line: Int, column: Int)] = [
            ("integration = [\"endpoint\", 0989-05-27T\"https://attack.mitre.org/\"\n", 1, 28),  // the fuzzer's, cut
            ("a = [1989-05-27Tn7:32:00Z]\n", 1, 6),
            ("a = 1989-05-27T:00:00\n", 1, 5),
            ("a = 1989-05-27t+:\n", 1, 5),
            ("a = {x = 1989-05-27Tx=:}\n", 1, 10),
            ("a = [\n  1,\n  # c\n  1989-05-27T[:\n]\n", 4, 3),
        ]
        for (text, line, column) in cases {
            let (outcome, diagnostics) = RuleLoader().parse(text: text, file: "bad.toml")
            XCTAssertEqual(outcome, .failed, text.debugDescription)
            XCTAssertEqual(diagnostics.map(\.location), [SourceLocation(line: line, column: column)], text.debugDescription)
            XCTAssertTrue(diagnostics.first?.message.contains("expected a time after the date's 'T'") ?? false,
                          "\(text.debugDescription): \(diagnostics)")
        }
    }

    /// The check looks at headers only: quoted and spaced header keys still parse, and a line starting with `[`
    /// inside a string or a multi-line array is content, not a header.
    func testValidHeadersAndBracketLinesInsideValuesStillLoad() throws {
        var text = RuleDiagnosticsTests.ruleText(replacing: "process where event.action == \"executed\"", with: """
            sequence with maxspan=1m
            [!process where true]
            [ ?process where false]
            """)
        text = text.replacingOccurrences(of: "[metadata]", with: "[ \"metadata\" ]")
        text = text.replacingOccurrences(of: "[rule.threat.tactic]", with: "[ rule . 'threat' . tactic ]")
        text = text.replacingOccurrences(of: "maturity = \"production\"", with: """
            maturity = "production"
            extra = [
            [+1, 2],
            [{a = "[!"}],
            # [!
            {2024-01-01Tx = "a:b"},
            1979-05-27T07:32:00Z, 1979-05-27t07:32:00, 1979-05-27 07:32:00.5, 1979-05-27,
            ]
            """)
        let (outcome, diagnostics) = RuleLoader().parse(text: text, file: "ok.toml")
        XCTAssertEqual(diagnostics.filter { $0.message.hasPrefix("TOML syntax error") }, [], text)
        guard case .loaded(let rule) = outcome else { return XCTFail("\(outcome) \(diagnostics)") }
        XCTAssertTrue(rule.query.contains("[!process where true]"))
    }
}
