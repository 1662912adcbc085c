import CAuditNetlink
import XCTest
@testable import AuditNetlink

/// Kernel rule encoding (through libaudit) and the "is this rule ours" filter, without the kernel.
final class AuditRuleDataTests: XCTestCase {
    /// `struct audit_rule_data`: flags, action, field_count, then mask[64] (u32 each).
    private func syscallBit(_ number: Int, in rule: [UInt8]) -> Bool {
        let word = rule.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 12 + 4 * (number / 32), as: UInt32.self) }
        return word & (1 << UInt32(number % 32)) != 0
    }

    func testOurRuleCarriesOurKeyAndItsSyscalls() throws {
        let rule = try AuditRuleData.syscallRule(arch: "b64", syscalls: AuditRuleSet.events.syscalls, key: "auspex")
        XCTAssertEqual(AuditRuleData.hasKey(rule, "auspex"), true)
        XCTAssertEqual(AuditRuleData.hasKey(rule, "auspe"), false)
        XCTAssertEqual(AuditRuleData.hasKey(rule, "auspex2"), false)
        // x86_64 numbers: execve 59, socket 41, connect 42, setsid 112, exit_group 231; not: open 2.
        for number in [59, 41, 42, 112, 231] { XCTAssertTrue(syscallBit(number, in: rule), "syscall \(number)") }
        XCTAssertFalse(syscallBit(2, in: rule))
    }

    func testRulesWithOtherKeysAreNotOurs() throws {
        let theirs = try AuditRuleData.syscallRule(arch: "b64", syscalls: ["execve"], key: "exec")
        XCTAssertEqual(AuditRuleData.hasKey(theirs, "auspex"), false)
        // A rule that carries our key beside someone else's (auditctl -k auspex -k ops) is shared: not ours to delete.
        let shared = try AuditRuleData.syscallRule(arch: "b64", syscalls: ["execve"], key: "auspex\u{1}ops")
        XCTAssertEqual(AuditRuleData.hasKey(shared, "auspex"), false)
        XCTAssertEqual(AuditRuleData.hasKey(shared, "auspex\u{1}ops"), true)
    }

    func testMalformedRuleBytesAreRejected() throws {
        XCTAssertNil(AuditRuleData.hasKey([], "auspex"))
        let rule = try AuditRuleData.syscallRule(arch: "b64", syscalls: ["execve"], key: "auspex")
        XCTAssertNil(AuditRuleData.hasKey(Array(rule.dropLast(3)), "auspex"), "buflen beyond the bytes")
        var tooManyFields = rule
        tooManyFields.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(1000), toByteOffset: 8, as: UInt32.self) }
        XCTAssertNil(AuditRuleData.hasKey(tooManyFields, "auspex"))
    }

    func testSyscallsMissingOnAnArchAreLeftOut() throws {
        // i386 has no accept(2) (only socketcall): a b32 rule of just accept is empty, with execve it is not.
        XCTAssertTrue(try AuditRuleData.syscallRule(arch: "b32", syscalls: ["accept"], key: "auspex").isEmpty)
        let rule = try AuditRuleData.syscallRule(arch: "b32", syscalls: ["accept", "execve"], key: "auspex")
        XCTAssertTrue(syscallBit(11, in: rule), "i386 execve is 11")
        XCTAssertThrowsError(try AuditRuleData.syscallRule(arch: "b99", syscalls: ["execve"], key: "auspex"))
    }

    func testStatusChangeRevertsOnlyWhatItSet() {
        let change = AuditStatusChange(enabled: 1, backlogLimit: 8192)
        var raw = auspex_audit_status()
        raw.backlog_limit = 64
        raw.backlog_wait_time = 15000
        raw.feature_bitmap = 0x7f
        let prior = AuditStatus(raw)
        XCTAssertEqual(change.reverting(to: prior), AuditStatusChange(enabled: 0, backlogLimit: 64))
        XCTAssertTrue(prior.supportsBacklogWaitTime)
        raw.feature_bitmap = 0
        XCTAssertFalse(AuditStatus(raw).supportsBacklogWaitTime)
    }
}
