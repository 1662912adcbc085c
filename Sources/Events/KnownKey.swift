/// Record keys the normalizer and the process table read, recognised straight from the key's bytes (by length, then
/// a compare of its bytes as an integer) instead of hashing a String: this runs for every field of every record.
public enum KnownKey: UInt8, Sendable {
    case success, res, ses, key, subj, arch, syscall, exit
    case a0, a1, a2, a3, tty, items, pid, ppid, comm, exe, cwd, proctitle
    case auid, oldAuid, uid, euid, gid, egid
    case suid, sgid, fsuid, fsgid, newAuid
    case msg

    /// The known key spelled by `key` (as logged: a stored space, as in `old auid`, matches nothing).
    init?(_ key: ArraySlice<UInt8>) {
        guard let known = key.withUnsafeBufferPointer({ KnownKey($0) }) else { return nil }
        self = known
    }

    /// The known key spelled by `key`, read in place (the normalizer's borrowed record fields).
    public init?(_ key: UnsafeBufferPointer<UInt8>) {
        if key.count == 9 {
            guard key.equals("proctitle") else { return nil }
            self = .proctitle
            return
        }
        guard key.count >= 2, key.count <= 8, let base = key.baseAddress else { return nil }
        // The key's bytes read as a little-endian integer: one compare per candidate, no hashing, no allocation.
        let packed = ByteWord.load(UnsafeRawPointer(base), count: key.count)
        // By length first (a jump), then among the few keys of that length.
        switch key.count {
        case 2:
            switch packed {
            case 0x3061: self = .a0  // "a0"
            case 0x3161: self = .a1  // "a1"
            case 0x3261: self = .a2  // "a2"
            case 0x3361: self = .a3  // "a3"
            default: return nil
            }
        case 3:
            switch packed {
            case 0x736572: self = .res  // "res"
            case 0x736573: self = .ses  // "ses"
            case 0x79656B: self = .key  // "key"
            case 0x797474: self = .tty  // "tty"
            case 0x646970: self = .pid  // "pid"
            case 0x657865: self = .exe  // "exe"
            case 0x647763: self = .cwd  // "cwd"
            case 0x67736D: self = .msg  // "msg"
            case 0x646975: self = .uid  // "uid"
            case 0x646967: self = .gid  // "gid"
            default: return nil
            }
        case 4:
            switch packed {
            case 0x6A627573: self = .subj  // "subj"
            case 0x68637261: self = .arch  // "arch"
            case 0x74697865: self = .exit  // "exit"
            case 0x64697070: self = .ppid  // "ppid"
            case 0x6D6D6F63: self = .comm  // "comm"
            case 0x64697561: self = .auid  // "auid"
            case 0x64697565: self = .euid  // "euid"
            case 0x64696765: self = .egid  // "egid"
            case 0x64697573: self = .suid  // "suid"
            case 0x64696773: self = .sgid  // "sgid"
            default: return nil
            }
        case 5:
            switch packed {
            case 0x6469757366: self = .fsuid  // "fsuid"
            case 0x6469677366: self = .fsgid  // "fsgid"
            case 0x736D657469: self = .items  // "items"
            default: return nil
            }
        case 7:
            switch packed {
            case 0x73736563637573: self = .success  // "success"
            case 0x6C6C6163737973: self = .syscall  // "syscall"
            default: return nil
            }
        case 8:
            switch packed {
            case 0x646975612D77656E: self = .newAuid  // "new-auid"
            case 0x646975612D646C6F: self = .oldAuid  // "old-auid"
            default: return nil
            }
        default: return nil
        }
    }

    /// SYSCALL keys the process table takes as their raw text (``SyscallIdentity``).
    var isNotedAsText: Bool {
        switch self {
        case .uid, .euid, .gid, .egid, .tty: true
        default: false
        }
    }

    /// Keys whose values a SYSCALL record never hex-encodes (numbers, ids, `tty`): their text is their bytes.
    var isPlainInSyscallRecords: Bool {
        switch self {
        case .a0, .a1, .a2, .a3, .uid, .gid, .euid, .egid, .auid, .suid, .sgid, .fsuid, .fsgid, .tty, .items, .exit,
             .ses, .success, .pid, .ppid:
            true
        default: false
        }
    }

    /// `*uid` / `*gid` keys are identities (go-libaudit `User.IDs`).
    static func isIdentity(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard key.count >= 3 else { return false }
        let end = key.count
        return (key[end - 3] == UInt8(ascii: "u") || key[end - 3] == UInt8(ascii: "g"))
            && key[end - 2] == UInt8(ascii: "i") && key[end - 1] == UInt8(ascii: "d")
    }
}
