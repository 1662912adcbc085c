import Foundation
import XCTest
@testable import Detection
@testable import Rules

final class KernelFilterDerivationTests: XCTestCase {
    private func packQueries() throws -> [String] {
        let pack = Fixtures.defaultRulePack
        return try FileManager.default.contentsOfDirectory(atPath: pack).filter { $0.hasSuffix(".toml") }.sorted().map { name in
            guard case .loaded(let rule) = RuleLoader().loadFile(atPath: pack + "/" + name).0 else {
                XCTFail("\(name) did not load")
                return ""
            }
            return rule.query
        }
    }

    private func filter(_ queries: [String]) -> [UInt64]? {
        KernelFilterDerivation.socketFamilyFilter(forQueries: queries)?.values
    }

    func testShippedPackAuditsSocketOnlyForTheFamiliesItTests() throws {
        let filter = KernelFilterDerivation.socketFamilyFilter(forQueries: try packQueries())
        XCTAssertEqual(filter, SyscallArgumentFilter(syscall: "socket", argument: 0, values: [2, 10]))
        XCTAssertEqual(filter?.auditctlParts, ["-S socket -F a0=2", "-S socket -F a0=10"])
    }

    func testAnyRuleThatCanSeeEverySocketDisablesTheFilter() throws {
        let pack = try packQueries()
        // Reads socket events of any family.
        XCTAssertNil(filter(pack + [#"process where auditd.data.syscall == "socket" and process.name == "nc""#]))
        XCTAssertNil(filter(pack + [#"process where auditd.data.syscall : "sock*""#]))
        // Unbounded process and any filters see socket events too (category process, no action).
        XCTAssertNil(filter(pack + [#"process where process.name == "evil""#]))
        XCTAssertNil(filter(pack + [#"any where process.name == "evil""#]))
        XCTAssertNil(filter(pack + [#"sequence [process where auditd.data.syscall == "execve"] ![any where user.id == "0"]"#]))
        // An `or` branch without a family test, a negated family test, a wildcard family.
        XCTAssertNil(filter([#"process where auditd.data.syscall == "socket" and (auditd.data.a0 == "2" or process.name == "x")"#]))
        XCTAssertNil(filter([#"process where auditd.data.syscall == "socket" and auditd.data.a0 != "1""#]))
        XCTAssertNil(filter([#"process where auditd.data.syscall == "socket" and auditd.data.a0 : "*""#]))
        XCTAssertNil(filter([#"process where auditd.data.syscall == "socket" and not auditd.data.a0 in ("1", "10")"#]))
    }

    func testFamiliesFromEveryReaderAreUnitedAndOtherFiltersDoNotMatter() {
        XCTAssertEqual(filter([
            #"process where auditd.data.syscall == "socket" and auditd.data.a0 == "2""#,
            #"process where auditd.data.syscall in ("socket", "connect") and (auditd.data.a0 == "a" or auditd.data.a0 : "11")"#,
            // Bounded by actions (a socket event has none), another category, or a syscall test without socket.
            #"process where event.action == "executed" and process.name == "bash""#,
            #"network where destination.port == 4444"#,
            #"process where auditd.data.syscall == "setsid""#,
            // Excludes a family on top of requiring one: still bounded.
            #"process where auditd.data.syscall == "socket" and auditd.data.a0 in ("2", "a") and not auditd.data.a0 == "a""#,
        ]), [2, 10, 17])
        // Nobody reads socket events: no filter (the syscall is not audited at all).
        XCTAssertNil(filter([#"process where event.action == "executed""#]))
    }
}
