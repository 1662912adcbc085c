@testable import Events
import XCTest

/// KnownKey recognises keys by packing their bytes into an integer: every spelling must map to its case, and keys
/// that differ by a byte, a length or case must map to nothing.
final class KnownKeyTests: XCTestCase {
    private static let spellings: [(String, KnownKey)] = [
        ("success", .success), ("res", .res), ("ses", .ses), ("key", .key), ("subj", .subj), ("arch", .arch),
        ("syscall", .syscall), ("exit", .exit), ("a0", .a0), ("a1", .a1), ("a2", .a2), ("a3", .a3), ("tty", .tty),
        ("items", .items), ("pid", .pid), ("ppid", .ppid), ("comm", .comm), ("exe", .exe), ("cwd", .cwd),
        ("proctitle", .proctitle), ("auid", .auid), ("old-auid", .oldAuid), ("uid", .uid), ("euid", .euid),
        ("gid", .gid), ("egid", .egid), ("msg", .msg), ("suid", .suid), ("sgid", .sgid), ("fsuid", .fsuid),
        ("fsgid", .fsgid), ("new-auid", .newAuid),
    ]

    func testEverySpellingIsRecognised() {
        for (spelling, key) in Self.spellings {
            XCTAssertEqual(KnownKey(Array(spelling.utf8)[...]), key, spelling)
        }
        XCTAssertEqual(Set(Self.spellings.map(\.1.rawValue)).count, Self.spellings.count, "a case is listed twice")
    }

    func testNearMissesAreNotKeys() {
        var misses = ["", "a", "a4", "pids", "Pid", "PID", "ssuid", "fsuidx", "sgi", "old auid", "old_auid", "proctitlex",
                      "syscalls", "ex", "tty ", "egidx", "ouid"]
        for (spelling, _) in Self.spellings {
            misses.append(spelling.uppercased())
            misses.append(String(spelling.dropLast()) + "_")
        }
        for miss in misses {
            XCTAssertNil(KnownKey(Array(miss.utf8)[...]), miss)
        }
    }
}
