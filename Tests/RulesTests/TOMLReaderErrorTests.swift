@testable import Rules
import XCTest

/// The TOML 1.0 reader on invalid documents: each is refused with a syntax error at the right line and column.
final class TOMLReaderErrorTests: XCTestCase {
    private func assertError(_ text: String, _ line: Int, _ column: Int, _ message: String? = nil,
                             file: StaticString = #filePath, sourceLine: UInt = #line) {
        do {
            let parsed = try TOMLParser.parse(text)
            XCTFail("\(text.debugDescription) parsed: \(parsed.root)", file: file, line: sourceLine)
        } catch {
            XCTAssertEqual(error.location, SourceLocation(line: line, column: column), "\(text.debugDescription): \(error.message)",
                           file: file, line: sourceLine)
            if let message {
                XCTAssertTrue(error.message.contains(message), "\(text.debugDescription): \(error.message)", file: file, line: sourceLine)
            }
        }
    }

    func testBadIntegers() {
        assertError("a = 9223372036854775808\n", 1, 5, "invalid value")
        assertError("a = -9223372036854775809\n", 1, 5)
        assertError("a = 0x1_0000_0000_0000_0000\n", 1, 5)
        assertError("x = 1\na = 01\n", 2, 5)
        assertError("a = 1__000\n", 1, 5)
        assertError("a = _1\n", 1, 5)
        assertError("a = 1_\n", 1, 5)
        assertError("a = +0x10\n", 1, 5)
        assertError("a = 0X10\n", 1, 5)
        assertError("a = 0b102\n", 1, 5)
        assertError("a = 1 2\n", 1, 7, "expected a newline")
    }

    func testBadFloats() {
        for text in ["1.", ".5", "1e", "1.e5", "01.5", "1.5.2", "1e1_", "1_.5", "infinity", "NaN", "+-1.0"] {
            assertError("a = \(text)\n", 1, 5)
        }
    }

    func testBadBooleansAndDateTimes() {
        assertError("a = True\n", 1, 5)
        assertError("a = truex\n", 1, 5)
        assertError("a = 1979-13-01\n", 1, 5, "invalid date")
        assertError("a = 1979-02-29\n", 1, 5, "invalid date")
        assertError("a = 24:00:00\n", 1, 5, "invalid time")
        assertError("a = 07:32\n", 1, 5, "invalid time")
        assertError("a = 1979-05-27T07:32\n", 1, 5, "expected a time after the date's 'T'")
        assertError("a = 1979-05-27T07:32:00+24:00\n", 1, 5, "offset")
        assertError("a = 1979-05-27T07:32:00.\n", 1, 5)
    }

    func testBadStrings() {
        assertError("a = \"abc\n", 1, 5, "unterminated string")
        assertError("a = 'abc", 1, 5, "unterminated string")
        assertError("a = \"\"\"abc\n", 1, 5, "unterminated multi-line string")
        assertError("a = \"\\x41\"\n", 1, 6, "invalid escape")
        assertError("a = \"\\e\"\n", 1, 6, "invalid escape")
        assertError("a = \"x\\ y\"\n", 1, 7, "invalid escape")
        assertError("a = \"\\u12\"\n", 1, 6, "hexadecimal")
        assertError("a = \"\\uD800\"\n", 1, 6, "Unicode scalar")
        assertError("a = \"\\U00110000\"\n", 1, 6, "Unicode scalar")
        assertError("a = \"é\u{01}\"\n", 1, 7, "control character U+0001")
        assertError("a = 'x\u{7F}'\n", 1, 7, "control character U+007F")
        assertError("a = '''x\n\u{00}'''\n", 2, 1, "control character U+0000")
        assertError("a = \"\"\"x\ry\"\"\"\n", 1, 9, "control character U+000D")
        assertError("a = \"\"\"x\"\"\"\"\"\"\n", 1, 14, "too many quotes")
    }

    func testBadKeysAndLines() {
        assertError("= 1\n", 1, 1, "expected a key")
        assertError("a\n", 1, 2, "expected '='")
        assertError("a = \n", 1, 5, "expected a value")
        assertError("a = 1 b = 2\n", 1, 7)
        assertError("a. = 1\n", 1, 4, "expected a key")
        assertError("\"\"\"a\"\"\" = 1\n", 1, 1, "multi-line")
        assertError("a = 1\rb = 2\n", 1, 6, "expected a newline")
        assertError("# ok\n# bad \u{01}\n", 2, 7, "control character U+0001 in a comment")
        assertError("a = 1 # \u{7F}\n", 1, 9, "comment")
    }

    func testBadHeaders() {
        assertError("[]\n", 1, 2, "expected a bare key or a quoted key in the table header")
        assertError("[a\n", 1, 3, "expected ']'")
        assertError("[[a]\n", 1, 4, "expected ']]'")
        assertError("[a]]\n", 1, 4, "expected a newline")
        assertError("[a] b = 1\n", 1, 5, "expected a newline")
        assertError("[[[a]]]\n", 1, 3)
    }

    func testDuplicateKeysAndRedefinedTables() {
        assertError("a = 1\na = 2\n", 2, 1, "duplicate key 'a'")
        assertError("a = 1\na.b = 2\n", 2, 1, "'a' is already defined")
        assertError("\"a\" = 1\n'a' = 2\n", 2, 1, "duplicate key")
        assertError("[t]\nx = 1\n[t]\n", 3, 1, "already defined")
        assertError("[t.u]\n[t]\n[t]\n", 3, 1, "already defined")
        assertError("a.b = 1\n[a]\n", 2, 1, "defined by dotted keys")
        assertError("[a]\nb.c = 1\n[a.b]\n", 3, 1, "defined by dotted keys")
        assertError("[a.b.c]\nz = 9\n[a]\nb.c.t = 1\n", 4, 1, "'b' is already defined")
        assertError("a = [1]\n[[a]]\n", 2, 1, "array value")
        assertError("[a]\n[[a]]\n", 2, 1, "already a table")
        assertError("[[a]]\n[a]\n", 2, 1, "already an array of tables")
        assertError("a = {x = 1}\n[a]\n", 2, 1, "inline table")
        assertError("a = {x = 1}\n[a.b]\n", 2, 1, "inline table")
        assertError("a = {x = 1}\na.y = 2\n", 2, 1, "'a' is already defined")
        assertError("a = {x = 1, x = 2}\n", 1, 13, "duplicate key 'x'")
        assertError("a = {x.y = 1, x = 2}\n", 1, 15, "duplicate key 'x'")
    }

    func testBadArraysAndInlineTables() {
        assertError("a = [1 2]\n", 1, 8, "expected ',' or ']'")
        assertError("a = [,]\n", 1, 6, "expected a value")
        assertError("a = [1,,2]\n", 1, 8, "expected a value")
        assertError("a = [1\n", 2, 1, "expected ',' or ']'")
        assertError("a = {x = 1,}\n", 1, 12, "expected a key")
        assertError("a = {x = 1\n}\n", 1, 11, "expected ',' or '}'")
        assertError("a = {\nx = 1}\n", 1, 6, "expected a key")
        assertError("a = {x = 1 y = 2}\n", 1, 12, "expected ',' or '}'")
    }

    /// Nesting is capped, so a hostile file cannot drive recursion deep enough to exhaust the stack.
    func testNestingIsBounded() {
        let depth = TOMLTree.maximumDepth
        assertError("a = " + String(repeating: "[", count: 100_000) + "\n", 1, 5 + depth, "nested deeper")
        assertError("a = " + String(repeating: "{b = ", count: 100_000) + "\n", 1, 5 + 5 * depth, "nested deeper")
        assertError("[" + Array(repeating: "a", count: depth + 1).joined(separator: ".") + "]\n", 1, 1 + 2 * (depth + 1), "parts")
        assertError(Array(repeating: "a", count: depth + 1).joined(separator: ".") + " = 1\n", 1, 2 * (depth + 1), "parts")
        let deepButAllowed = "a = " + String(repeating: "[", count: depth - 1) + String(repeating: "]", count: depth - 1) + "\n"
        XCTAssertNoThrow(try TOMLParser.parse(deepButAllowed))
        // Header depth and value nesting add up.
        let header = "[" + Array(repeating: "t", count: depth).joined(separator: ".") + "]\n"
        assertError(header + "a = [1]\n", 2, 5, "nested deeper")
        XCTAssertNoThrow(try TOMLParser.parse(header + "a = 1\n"))
    }
}
