#if canImport(Glibc)
import Glibc
#endif

/// Record keys the collector treats specially, recognised straight from the key's bytes (by length, then a byte
/// compare) instead of hashing a String: this runs for every field of every record.
enum KnownKey: UInt8 {
    case success, res, ses, key, subj, arch, syscall, exit
    case a0, a1, a2, a3, tty, items, pid, ppid, comm, exe, cwd, proctitle
    case auid, oldAuid
    case msg

    /// The known key spelled by `key` (as logged: a stored space, as in `old auid`, matches nothing).
    init?(_ key: ArraySlice<UInt8>) {
        let candidates: [(StaticString, KnownKey)]
        switch key.count {
        case 2:
            guard key.first == UInt8(ascii: "a"), let digit = key.last, digit >= UInt8(ascii: "0"),
                  digit <= UInt8(ascii: "3") else { return nil }
            self = [.a0, .a1, .a2, .a3][Int(digit - UInt8(ascii: "0"))]
            return
        case 3: candidates = Self.threeLetter
        case 4: candidates = Self.fourLetter
        case 5: candidates = [("items", .items)]
        case 7: candidates = [("success", .success), ("syscall", .syscall)]
        case 8: candidates = [("old-auid", .oldAuid)]
        case 9: candidates = [("proctitle", .proctitle)]
        default: return nil
        }
        for (name, known) in candidates where Self.equals(key, name) {
            self = known
            return
        }
        return nil
    }

    private static let threeLetter: [(StaticString, KnownKey)] = [
        ("pid", .pid), ("res", .res), ("ses", .ses), ("key", .key), ("tty", .tty), ("exe", .exe), ("cwd", .cwd),
        ("msg", .msg),
    ]
    private static let fourLetter: [(StaticString, KnownKey)] = [
        ("auid", .auid), ("ppid", .ppid), ("comm", .comm), ("arch", .arch), ("exit", .exit), ("subj", .subj),
    ]

    private static func equals(_ key: ArraySlice<UInt8>, _ name: StaticString) -> Bool {
        name.withUTF8Buffer { wanted in
            key.withUnsafeBufferPointer { memcmp($0.baseAddress!, wanted.baseAddress!, wanted.count) == 0 }
        }
    }

    /// `*uid` / `*gid` keys are identities (go-libaudit `User.IDs`).
    static func isIdentity(_ key: ArraySlice<UInt8>) -> Bool {
        guard key.count >= 3 else { return false }
        let end = key.endIndex
        return (key[end - 3] == UInt8(ascii: "u") || key[end - 3] == UInt8(ascii: "g"))
            && key[end - 2] == UInt8(ascii: "i") && key[end - 1] == UInt8(ascii: "d")
    }
}
