@testable import Detection
@testable import Events
@testable import Rules
import XCTest

/// The audit-rule derivation (Detection) computes its action → syscall table from the tables that produce the
/// actions (Events' normalizations and Defend vocabulary). These tests hold it to them, so that a rule testing an
/// action always gets every syscall that can carry it audited.
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

    /// The action table is computed from the normalization and Defend tables; it equals the hand-kept table it
    /// replaced (below, as it stood), action for action.
    func testComputedActionTableEqualsTheHandKeptOne() {
        let handKept: [String: [String]] = [
            // Process start.
            "executed": ["execve", "execveat"],
            "exec": ["execve", "execveat"],
            "exec_event": ["execve", "execveat"],
            "start": ["execve", "execveat"],
            "process_started": ["execve", "execveat"],
            "ProcessRollup2": ["execve", "execveat"],
            // Process life cycle and identity (Defend).
            "fork": ["fork", "vfork", "clone", "clone3"],
            "end": ["exit_group"],
            "session_id_change": ["setsid"],
            "uid_change": ["setuid", "setreuid", "setresuid", "setfsuid"],
            "gid_change": ["setgid", "setregid", "setresgid", "setfsgid"],
            "changed-identity-of": ["setuid", "setreuid", "setresuid", "setfsuid", "seteuid", "setgid", "setregid", "setresgid",
                                    "setfsgid", "setegid"],
            "adjusted-scheduling-policy-of": ["sched_setattr", "sched_setparam", "sched_setscheduler"],
            "ptrace": ["ptrace"],
            "memfd_create": ["memfd_create"],
            "shmget": ["shmget"],
            "killed-pid": ["kill", "tkill", "tgkill"],
            // Network.
            "connected-to": ["connect"],
            "connection_attempted": ["connect"],
            "accepted-connection-from": ["accept", "accept4"],
            "connection_accepted": ["accept", "accept4"],
            "bound-socket": ["bind"],
            "listen-for-connections": ["listen"],
            "sent-to": ["send", "sendto", "sendmsg", "sendmmsg"],
            "received-from": ["recv", "recvfrom", "recvmsg", "recvmmsg"],
            // Kernel modules.
            "loaded-kernel-module": ["init_module", "finit_module"],
            "load_module": ["init_module", "finit_module"],
            "unloaded-kernel-module": ["delete_module"],
            // Files (rules on files usually also want file watches, which the derivation does not produce).
            // The open family is the costliest audit rule there is (every file any process opens), so it is only derived
            // when a loaded rule names an action that needs it. A kernel filter on O_CREAT is not used: the flags are a1
            // for open but a2 for openat (one rule per syscall and arch) and openat2 keeps them in a struct; the
            // created-or-not decision is made from the PATH record's nametype instead (Events' DefendVocabulary).
            "opened-file": ["open", "openat", "openat2", "creat", "truncate", "ftruncate", "fallocate", "readlink", "readlinkat"],
            "read-file": ["read"],
            "wrote-to-file": ["write"],
            "checked-metadata-of": ["stat", "stat64", "lstat", "fstat", "fstatat", "newfstatat", "access", "faccessat",
                                    "getxattr", "lgetxattr", "fgetxattr"],
            "checked-filesystem-metadata-of": ["statfs", "fstatfs"],
            "creation": ["open", "openat", "openat2", "creat", "link", "linkat", "symlink", "symlinkat", "mknod", "mknodat"],
            "modification": ["open", "openat", "openat2", "creat", "truncate", "ftruncate"],
            "open": ["open", "openat", "openat2"],
            "deleted": ["unlink", "unlinkat", "rmdir"],
            "deletion": ["unlink", "unlinkat", "rmdir"],
            "renamed": ["rename", "renameat", "renameat2"],
            "rename": ["rename", "renameat", "renameat2"],
            "changed-file-permissions-of": ["chmod", "fchmod", "fchmodat"],
            "changed-file-ownership-of": ["chown", "fchown", "fchownat", "lchown"],
            "changed-file-attributes-of": ["setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr"],
            "created-directory": ["mkdir", "mkdirat"],
            "linked": ["link", "linkat"],
            "symlinked": ["symlink", "symlinkat"],
            "make-device": ["mknod", "mknodat"],
            "changed-timestamp-of": ["utime", "utimes", "futimesat", "utimensat", "futimens"],
            "mounted": ["mount"],
            "unmounted": ["umount", "umount2"],
            "changed-system-time": ["settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "stime"],
            "changed-system-name": ["sethostname", "setdomainname"],
            "allocated-memory": ["mmap", "mmap2", "brk"],
        ]
        XCTAssertEqual(Set(syscallsByAction.keys), Set(handKept.keys))
        for (action, syscalls) in handKept.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(syscallsByAction[action].map(Set.init), Set(syscalls), action)
        }
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
