/// Record keys the collector treats specially, found with one hash lookup per field instead of a chain of
/// string comparisons (this runs for every field of every record).
enum KnownKey: UInt8 {
    case success, res, ses, key, subj, arch, syscall, exit
    case a0, a1, a2, a3, tty, items, pid, ppid, comm, exe, cwd, proctitle
    case auid, oldAuid
    case msg

    static let byName: [String: KnownKey] = [
        "success": .success, "res": .res, "ses": .ses, "key": .key, "subj": .subj, "arch": .arch,
        "syscall": .syscall, "exit": .exit, "a0": .a0, "a1": .a1, "a2": .a2, "a3": .a3, "tty": .tty,
        "items": .items, "pid": .pid, "ppid": .ppid, "comm": .comm, "exe": .exe, "cwd": .cwd,
        "proctitle": .proctitle, "auid": .auid, "old-auid": .oldAuid, "msg": .msg,
    ]

    init?(_ key: String) {
        guard let known = Self.byName[key] else { return nil }
        self = known
    }

    /// `*uid` / `*gid` keys are identities (go-libaudit `User.IDs`).
    static func isIdentity(_ key: ArraySlice<UInt8>) -> Bool {
        guard key.count >= 3 else { return false }
        let end = key.endIndex
        return (key[end - 3] == UInt8(ascii: "u") || key[end - 3] == UInt8(ascii: "g"))
            && key[end - 2] == UInt8(ascii: "i") && key[end - 1] == UInt8(ascii: "d")
    }
}
