import Foundation

/// Kernel-format audit log lines (as `auditd` writes them to audit.log) for the replay tests, x86_64.
public struct AuditLogText {
    public init() {}

    public private(set) var lines: [String] = []
    private var serial = 5000

    public var text: String { lines.joined(separator: "\n") + "\n" }

    /// One syscall event: SYSCALL, optional EXECVE arguments, CWD, optional SOCKADDR (hex), PATH items
    /// `(name, nametype, mode)`, PROCTITLE, EOE.
    public mutating func syscall(_ number: Int, success: Bool = true, exit: Int64 = 0, args: [String] = ["0", "0", "0", "0"],
                                 pid: Int, ppid: Int, uid: Int = 0, euid: Int? = nil, comm: String, exe: String,
                                 argv: [String] = [], cwd: String = "/root", sockaddr: String? = nil,
                                 paths: [(String, String, String)] = []) {
        serial += 1
        let stamp = "audit(1700000100.\(String(format: "%03d", serial % 1000)):\(serial))"
        let euid = euid ?? uid
        let a = (args + ["0", "0", "0", "0"]).prefix(4)
        lines.append("type=SYSCALL msg=\(stamp): arch=c000003e syscall=\(number) success=\(success ? "yes" : "no") "
            + "exit=\(exit) a0=\(a[0]) a1=\(a[1]) a2=\(a[2]) a3=\(a[3]) items=\(paths.count) ppid=\(ppid) pid=\(pid) "
            + "auid=1000 uid=\(uid) gid=\(uid) euid=\(euid) suid=\(euid) fsuid=\(euid) egid=\(uid) sgid=\(uid) "
            + "fsgid=\(uid) tty=pts0 ses=3 comm=\"\(comm)\" exe=\"\(exe)\" subj=unconfined key=(null)")
        if !argv.isEmpty {
            let quoted = argv.enumerated().map { "a\($0.offset)=\"\($0.element)\"" }.joined(separator: " ")
            lines.append("type=EXECVE msg=\(stamp): argc=\(argv.count) \(quoted)")
        }
        lines.append("type=CWD msg=\(stamp): cwd=\"\(cwd)\"")
        if let sockaddr { lines.append("type=SOCKADDR msg=\(stamp): saddr=\(sockaddr)") }
        for (item, path) in paths.enumerated() {
            lines.append("type=PATH msg=\(stamp): item=\(item) name=\"\(path.0)\" inode=\(4000 + item) dev=08:01 "
                + "mode=\(path.2) ouid=0 ogid=0 rdev=00:00 nametype=\(path.1) cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 "
                + "cap_frootid=0")
        }
        let title = (argv.isEmpty ? [comm] : argv).joined(separator: "\0")
        lines.append("type=PROCTITLE msg=\(stamp): proctitle="
            + title.utf8.map { String(format: "%02X", $0) }.joined())
        lines.append("type=EOE msg=\(stamp): ")
    }

    // x86_64 syscall numbers used by the tests.
    public static let open = 2, openat = 257, creat = 85, unlink = 87, unlinkat = 263, rename = 82, renameat2 = 316
    public static let clone = 56, clone3 = 435, execve = 59, exitGroup = 231, setuid = 105, setgid = 106, connect = 42

    /// An AF_INET SOCKADDR payload (`saddr=`) for `ip:port`.
    public static func inet(_ ip: String, port: UInt16) -> String {
        "0200" + String(format: "%04X", port) + ip.split(separator: ".").compactMap { UInt8($0) }
            .map { String(format: "%02X", $0) }.joined() + "0000000000000000"
    }
    public static let finitModule = 313, initModule = 175

    /// An AF_INET6 SOCKADDR payload for `address` (eight groups, `::` allowed) and `port`.
    public static func inet6(_ address: String, port: UInt16) -> String {
        let halves = address.components(separatedBy: "::")
        let head = halves[0].split(separator: ":").map(String.init)
        let tail = halves.count > 1 ? halves[1].split(separator: ":").map(String.init) : []
        let groups = head + Array(repeating: "0", count: 8 - head.count - tail.count) + tail
        return "0A00" + String(format: "%04X", port) + "00000000"
            + groups.map { String(format: "%04X", UInt16($0, radix: 16) ?? 0) }.joined() + "00000000"
    }
}
