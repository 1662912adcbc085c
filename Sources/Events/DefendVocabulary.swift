/// Elastic Defend's names for what an audit event records (rule-corpus.md "action vocabulary", ecs-mapping.md §3.2).
/// Only values the detection-rules corpus tests are produced.
public enum DefendVocabulary {
    /// go-libaudit verbs Defend names differently: a non-blocking connect "fails" with EINPROGRESS yet is Defend's
    /// connection attempt, whatever the outcome; an exec is Defend's `exec` only when it succeeded (see
    /// ``eventlessFailedSyscalls``).
    public static let actionByAuditAction: [String: String] = [
        "executed": "exec",
        "connected-to": "connection_attempted",
    ]

    /// Syscalls Defend reports nothing for when they fail: a refused execve (each miss of a shell's `PATH` search)
    /// starts no program, so Defend has no `exec` event for it; the Defend view gives it no action and type `info`.
    public static let eventlessFailedSyscalls: Set<String> = ["execve", "execveat"]

    /// Defend category → audit categories whose events the Defend view files under it (module loads: `driver` in
    /// audit data, `process` in Defend's), so the engine's category index still offers them to Defend rules.
    public static let relabeledAuditCategories: [String: [String]] = ["process": ["driver"]]

    /// Operations Defend reports only when they succeeded, by syscall.
    public static let operationBySyscall: [String: DefendOperation] = {
        var table: [String: DefendOperation] = [:]
        func add(_ names: [String], _ operation: DefendOperation) { for name in names { table[name] = operation } }
        add(["open", "openat", "openat2"], .openFile)
        add(["creat"], .createFile)
        add(["link", "linkat", "symlink", "symlinkat", "mknod", "mknodat"], .createFile)
        add(["truncate", "ftruncate"], .modifyFile)
        add(["unlink", "unlinkat", "rmdir"], .deleteFile)
        add(["rename", "renameat", "renameat2"], .renameFile)
        add(["fork", "vfork", "clone3"], .fork)
        add(["clone"], .clone)
        add(["setsid"], .sessionChange)
        add(["exit_group"], .end)
        add(["setuid", "setreuid", "setresuid", "setfsuid"], .uidChange)
        add(["setgid", "setregid", "setresgid", "setfsgid"], .gidChange)
        add(["accept", "accept4"], .accept)
        add(["init_module", "finit_module"], .loadModule)
        return table
    }()

    /// Whether the Defend view reads the PATH items of a call of `syscall` (their `nametype` tells a created file
    /// from an opened one, and a rename's new name from the old).
    static func readsPaths(ofSyscall syscall: String?) -> Bool {
        guard let syscall else { return false }
        switch operationBySyscall[syscall] {
        case .openFile, .createFile, .renameFile: return true
        default: return false
        }
    }

    /// The `event.action` values a successful call of `syscall` gets in the Defend view (what the Defend view's
    /// reading of the event can write), empty when Defend has no name for it: what a rule testing one of them needs
    /// audited.
    static func actions(ofSyscall syscall: String) -> [String] {
        guard let operation = operationBySyscall[syscall] else { return [] }
        switch operation {
        // By the PATH item's nametype and the open flags: made the file, rewrote it, or only opened it.
        case .openFile: return ["creation", "modification", "open"]
        // creat() on an existing file truncates it; links and nodes only exist once made.
        case .createFile: return syscall == "creat" ? ["creation", "modification"] : ["creation"]
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

/// A successful syscall Defend has a name for. Decided once per event from the syscall name, its flags argument
/// and the PATH items' `nametype`.
public enum DefendOperation: Sendable {
    case openFile, createFile, modifyFile, deleteFile, renameFile
    /// fork/vfork/clone3 (clone3's flags sit in a struct the record does not show: a fork unless the process
    /// table found its child to be a thread).
    case fork
    /// clone: a fork unless `CLONE_THREAD` makes it a thread of the caller.
    case clone
    case sessionChange, end, uidChange, gidChange, accept, loadModule

    public var isFileChange: Bool {
        switch self {
        case .createFile, .modifyFile, .deleteFile, .renameFile: return true
        default: return false
        }
    }
}
