import Foundation
import XCTest
@testable import Rules

/// Review "Reliability and security" F6: diagnostics quote rule and configuration text; a value with `\n`, ESC
/// or a bidi control must not forge or disguise a log line, so every message and file name is escaped.
final class DiagnosticEscapingTests: XCTestCase {
    private func rule(from: String) -> String {
        RuleDiagnosticsTests.ruleText(replacing: "from = \"now-9m\"", with: "from = \"\(from)\"")
    }

    func testDiagnosticsEscapeControlCharactersFromRuleText() throws {
        let directory = try TemporaryDirectory()
        // TOML escapes: the value holds a real newline, ESC and a bidi override.
        let file = try directory.write("forge.toml", rule(from: #"now-9m\n\u001b[1mauspex: all rules loaded\u202e"#))
        let (outcome, diagnostics) = RuleLoader().loadFile(atPath: file)
        XCTAssertEqual(outcome, .failed)
        let line = try XCTUnwrap(diagnostics.first).description
        XCTAssertFalse(line.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x202E }, line)
        XCTAssertTrue(line.contains(#"found "now-9m\n\x1b[1mauspex: all rules loaded\u{202e}""#), line)
        XCTAssertEqual(line.split(separator: "\n").count, 1)
    }

    func testDiagnosticEscapesEveryMessageAndFileName() {
        let diagnostic = Diagnostic.error("a\nb.toml", SourceLocation(line: 1, column: 1), "x\r\u{7}\u{61C}\u{200B}y\\z")
        XCTAssertEqual(diagnostic.description, #"a\nb.toml:1:1: error: x\r\x07\u{061c}\u{200b}y\z"#)
    }

    func testConfigDiagnosticsAreEscapedToo() {
        let result = ConfigLoader.parse(text: "[rules]\n\"pa\\nths\\u001b\" = 1\n", file: "auspex.toml")
        let line = result.diagnostics.map(\.description).joined()
        XCTAssertTrue(line.contains(#"unknown key 'pa\nths\x1b' in [rules]"#), line)
    }
}
