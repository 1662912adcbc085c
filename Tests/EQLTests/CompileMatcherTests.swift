@testable import EQL
import XCTest

/// The byte-level wildcard matcher, the Lucene regex translation and address parsing.
final class CompileMatcherTests: XCTestCase {
    private func wildcard(_ pattern: String, _ text: String, insensitive: Bool = false) -> Bool {
        WildcardPattern(pattern, caseInsensitive: insensitive).matches(text)
    }

    func testWildcardShapes() {
        XCTAssertTrue(wildcard("abc", "abc"))
        XCTAssertFalse(wildcard("abc", "abcd"))
        XCTAssertTrue(wildcard("ab*", "abcd"))
        XCTAssertFalse(wildcard("ab*", "xabcd"))
        XCTAssertTrue(wildcard("*cd", "abcd"))
        XCTAssertTrue(wildcard("*bc*", "abcd"))
        XCTAssertFalse(wildcard("*bd*", "abcd"))
        XCTAssertTrue(wildcard("*", ""))
        XCTAssertTrue(wildcard("**", "x"))
        XCTAssertFalse(wildcard("?", ""))
    }

    func testWildcardGeneralPatternsBacktrack() {
        XCTAssertTrue(wildcard("a*b*c", "aXbYbZc"))
        XCTAssertFalse(wildcard("a*b*c", "aXbYbZ"))
        XCTAssertTrue(wildcard("*/bin/*sh", "/usr/bin/bash"))
        XCTAssertTrue(wildcard("a?c", "abc"))
        XCTAssertFalse(wildcard("a?c", "ac"))
        XCTAssertTrue(wildcard("a?c", "aéc"), "? is one character, not one byte")
        XCTAssertTrue(wildcard("*a*?", "xxab"))
        XCTAssertTrue(wildcard(#"*\red_ttp\*"#, #"C:\red_ttp\x"#), "backslash is literal")
        XCTAssertFalse(wildcard(#"a\*"#, "ab"), "no escaping of *: the backslash must be present")
    }

    func testWildcardCaseInsensitive() {
        XCTAssertTrue(wildcard("*.EXE", "setup.exe", insensitive: true))
        XCTAssertTrue(wildcard("a?C*", "AbcDEF", insensitive: true))
        XCTAssertFalse(wildcard("*.EXE", "setup.exe"))
        XCTAssertTrue(wildcard("ÉTÉ*", "été.txt", insensitive: true), "non-ASCII text is lowercased")
    }

    func testCaseInsensitiveKeysHashAlike() {
        let set: Set<CaseInsensitiveKey> = [CaseInsensitiveKey("Cmd.EXE"), CaseInsensitiveKey("ÄPFEL")]
        XCTAssertTrue(set.contains(CaseInsensitiveKey("cmd.exe")))
        XCTAssertTrue(set.contains(CaseInsensitiveKey("äpfel")))
        XCTAssertFalse(set.contains(CaseInsensitiveKey("cmd.ex")))
    }

    func testRegexTranslation() throws {
        func matches(_ pattern: String, _ text: String, insensitive: Bool = false) throws -> Bool {
            try RegexMatcher(lucene: pattern, caseInsensitive: insensitive).matches(text)
        }
        XCTAssertTrue(try matches("/var/run/\\w+\\.(pid|lock)", "/var/run/abc.pid"))
        XCTAssertFalse(try matches("/var/run/\\w+\\.(pid|lock)", "/var/run/abc.pidx"), "anchored at the end")
        XCTAssertTrue(try matches("a.c", "a\nc"), ". matches newlines")
        XCTAssertTrue(try matches("[^-]*[uz][^-]*", "abzc"))
        XCTAssertTrue(try matches("[a\\-z]+", "a-z"))
        XCTAssertTrue(try matches("x$", "x$"), "$ is literal")
        XCTAssertTrue(try matches("ABC", "abc", insensitive: true))
        XCTAssertTrue(try matches(".*?net1[ ]+[a-z]{4,15}[ ]+.*?", "C:\\net1  localgroup x"), "{n,m} and lazy-looking .*?")
        XCTAssertFalse(try matches("a{2,3}", "aaaa"))
        XCTAssertTrue(try matches("e..", "e\u{301}x"), "code points, not grapheme clusters")
        XCTAssertTrue(try matches("a{2,}", "aaaa"))
        XCTAssertThrowsError(try RegexMatcher(lucene: "a{x}", caseInsensitive: false))
        XCTAssertFalse(try matches("#", ""), "# is the empty language")
        XCTAssertThrowsError(try RegexMatcher(lucene: "a&b", caseInsensitive: false))
        XCTAssertThrowsError(try RegexMatcher(lucene: "[abc", caseInsensitive: false))
    }

    func testAddressesAndNetworks() throws {
        XCTAssertNil(IPAddress("1.2.3"))
        XCTAssertNil(IPAddress("1.2.3.256"))
        XCTAssertNil(IPAddress("1::2::3"))
        XCTAssertNotNil(IPAddress("::"))
        XCTAssertNotNil(IPAddress("2001:db8::8a2e:370:7334"))
        let v6 = try XCTUnwrap(CIDRBlock("2001:db8::/32"))
        XCTAssertTrue(v6.contains(try XCTUnwrap(IPAddress("2001:db8:ffff::1"))))
        XCTAssertFalse(v6.contains(try XCTUnwrap(IPAddress("2001:db9::1"))))
        let v4 = try XCTUnwrap(CIDRBlock("172.16.0.0/12"))
        XCTAssertTrue(v4.contains(try XCTUnwrap(IPAddress("172.31.255.255"))))
        XCTAssertFalse(v4.contains(try XCTUnwrap(IPAddress("172.32.0.0"))))
        XCTAssertTrue(try XCTUnwrap(CIDRBlock("0.0.0.0/0")).contains(try XCTUnwrap(IPAddress("8.8.8.8"))))
        XCTAssertNil(CIDRBlock("10.0.0.0/33"))
    }

    func testDottedQuadsAreFourDecimalPartsOfAtMostThreeDigitsUpTo255() {
        XCTAssertEqual(IPAddress.parseIPv4("192.0.2.2"), 0xC000_0202)
        XCTAssertEqual(IPAddress.parseIPv4("255.255.255.255"), 0xFFFF_FFFF)
        XCTAssertEqual(IPAddress.parseIPv4("0.0.0.0"), 0)
        XCTAssertEqual(IPAddress.parseIPv4("01.2.3.4"), 0x0102_0304, "leading zeros within three digits")
        for text in ["", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "256.1.1.1", "1.2.3.999", "0001.2.3.4",
                     "+1.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1.2.3.x", "１.2.3.4"] {
            XCTAssertNil(IPAddress.parseIPv4(text[...]), text)
        }
    }
}
