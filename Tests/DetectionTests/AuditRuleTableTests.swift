@testable import Detection
import Events
import Rules
import XCTest

/// The audit-rule derivation (Rules) keeps its own action → syscall table, because Rules does not depend on the
/// normalizer. These tests hold it to the tables that actually produce the actions, so that a rule testing an action
/// always gets every syscall that can carry it audited.
final class AuditRuleTableTests: XCTestCase {
    /// The syscalls a rule testing `action` gets audited, or named as withheld (too frequent to audit host-wide).
    private func derivedSyscalls(forAction action: String) -> Set<String> {
        let requirements = AuditRuleDerivation.requirements(forQuery: "any where event.action == \"\(action)\"")
        return Set(requirements.syscalls).union(requirements.withheldSyscalls)
    }

    func testHighVolumeSyscallsAreNamedButNotInstalled() {
        let requirements = AuditRuleDerivation.requirements(
            forQuery: #"file where event.action in ("wrote-to-file", "deleted")"#)
        XCTAssertEqual(requirements.withheldSyscalls, ["write"])
        XCTAssertFalse(requirements.syscalls.contains("write"))
        XCTAssertTrue(requirements.syscalls.contains("unlinkat"))
        XCTAssertTrue(requirements.notes.contains { $0.contains("not audited host-wide") && $0.contains("write") },
                      "\(requirements.notes)")
    }

    func testEverySyscallOfTheNormalizationTableIsAuditedForItsAction() {
        var missing: [String] = []
        for (syscall, normalization) in SyscallNormalizations.table.sorted(by: { $0.key < $1.key }) {
            guard let action = normalization.action else { continue }
            if !derivedSyscalls(forAction: action).contains(syscall) { missing.append("\(action) ← \(syscall)") }
        }
        XCTAssertEqual(missing, [], "actions whose rules would not get these syscalls audited")
    }

    func testEverySyscallOfTheDefendVocabularyIsAuditedForItsAction() {
        // Defend's actions per operation, as DefendEvent.reading produces them on success.
        var missing: [String] = []
        for (syscall, operation) in DefendVocabulary.operationBySyscall.sorted(by: { $0.key < $1.key }) {
            for action in Self.defendActions(of: operation)
            where !derivedSyscalls(forAction: action).contains(syscall) {
                missing.append("\(action) ← \(syscall)")
            }
        }
        for (auditAction, defendAction) in DefendVocabulary.actionByAuditAction {
            let expected = derivedSyscalls(forAction: auditAction)
            XCTAssertTrue(expected.isSubset(of: derivedSyscalls(forAction: defendAction)),
                          "\(defendAction) must audit what \(auditAction) does")
        }
        XCTAssertEqual(missing, [], "Defend actions whose rules would not get these syscalls audited")
    }

    private static func defendActions(of operation: DefendOperation) -> [String] {
        switch operation {
        case .openFile: return ["open", "creation", "modification"]
        case .createFile: return ["creation"]
        case .modifyFile: return ["modification"]
        case .deleteFile: return ["deletion"]
        case .renameFile: return ["rename"]
        case .fork, .clone: return ["fork"]
        case .sessionChange: return ["session_id_change"]
        case .end: return ["end"]
        case .uidChange: return ["uid_change"]
        case .gidChange: return ["gid_change"]
        case .accept: return ["connection_accepted"]
        case .loadModule: return ["load_module"]
        }
    }
}
