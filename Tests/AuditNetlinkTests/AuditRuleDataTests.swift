@testable import AuditRecords
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

    func testAWatchCarriesOurKeySoTheKeyedDeletionRemovesIt() throws {
        let watch = try AuditRuleData.watchRule(path: "/etc/shadow", permissions: "r", key: "auspex")
        XCTAssertEqual(AuditRuleData.hasKey(watch, "auspex"), true, "the path is a string field before the key")
        XCTAssertEqual(AuditRuleData.hasKey(watch, "shadow"), false)
        XCTAssertNil(AuditRuleData.syscallMask(watch), "a watch audits no syscall host-wide")
        XCTAssertThrowsError(try AuditRuleData.watchRule(path: "/etc/shadow", permissions: "q", key: "auspex"))
        XCTAssertThrowsError(try AuditRuleData.watchRule(path: "etc/shadow", permissions: "r", key: "auspex"))
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

    func testKernelRuleListingNamesTheSyscallsOfExitAlwaysRules() throws {
        // struct audit_rule_data: flags, action, field_count, mask[64], … (native-endian u32s).
        func setWord(_ bytes: inout [UInt8], _ index: Int, _ value: UInt32) {
            withUnsafeBytes(of: value) { for (offset, byte) in $0.enumerated() { bytes[index * 4 + offset] = byte } }
        }
        // Rules built by libaudit as auditctl would, then listed as the kernel lists them: exit (4), always (2).
        func listed(_ arch: String, _ syscalls: [String]) throws -> [UInt8] {
            var bytes = try AuditRuleData.syscallRule(arch: arch, syscalls: syscalls, key: "k")
            setWord(&bytes, 0, 4)
            setWord(&bytes, 1, 2)
            return bytes
        }
        let b64 = try listed("b64", ["execve", "execveat"]), b32 = try listed("b32", ["socket"])
        let masks = try [b64, b32].map { try XCTUnwrap(AuditRuleData.syscallMask($0)) }
        XCTAssertEqual(masks.map(\.arch), [AuditArch.x86_64.rawValue, AuditArch.i386.rawValue])
        XCTAssertEqual(masks[0].numbers, [59, 322])  // x86_64 execve, execveat
        XCTAssertEqual(KernelRuleListing.syscalls(in: masks), ["execve", "execveat", "socket"])

        var never = b64
        setWord(&never, 1, 1)  // AUDIT_NEVER: excludes, audits nothing
        XCTAssertNil(AuditRuleData.syscallMask(never))
        var all = b64
        for word in 3..<66 { setWord(&all, word, .max) }  // words 0…62 of the mask, as libaudit's `-S all`
        let allMask = try XCTUnwrap(AuditRuleData.syscallMask(all))
        XCTAssertTrue(allMask.coversAll)
        XCTAssertTrue(KernelRuleListing.syscalls(in: [allMask]).contains("all"))
        XCTAssertNil(AuditRuleData.syscallMask(Array(b64.prefix(100))), "a truncated rule is no rule")
        var watch = all
        XCTAssertEqual(AuditRuleData.syscallMask(watch)?.arch, AuditArch.x86_64.rawValue, "fields[0] is the arch")
        setWord(&watch, 67, 106)  // fields[0] = AUDIT_PERM: `-w PATH -p wa`, stored on every syscall
        XCTAssertNil(AuditRuleData.syscallMask(watch), "a watch audits one object, not syscalls")
        // A rule without an arch field applies to the native arch.
        var noArch = masks[0]
        noArch.arch = 0
        XCTAssertEqual(KernelRuleListing.syscalls(in: [noArch], native: .x86_64), ["execve", "execveat"])
        XCTAssertFalse(KernelRuleListing.syscalls(in: [noArch], native: .aarch64).contains("execve"))
    }
}
