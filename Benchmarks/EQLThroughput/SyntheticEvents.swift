import EQL
import EventModel

/// A deterministic stream of ECS-like Linux events (process exec/exit, network connect, file create,
/// session changes) with realistic field values, laid out on a `FieldTable`.
struct SyntheticEvents {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    private var table: FieldTable
    private let slots: [String: Int]
    private var serial = 0

    static let fields = [
        "@timestamp", "event.category", "event.type", "event.action", "event.kind", "event.outcome", "host.os.type", "host.id",
        "host.name", "process.name", "process.executable", "process.args", "process.command_line", "process.args_count",
        "process.pid", "process.entity_id", "process.working_directory", "process.parent.name", "process.parent.executable",
        "process.parent.pid", "process.parent.entity_id", "process.parent.args", "process.parent.command_line",
        "process.session_leader.name", "user.id", "user.name", "group.id", "destination.ip", "destination.port",
        "source.ip", "source.port", "network.transport", "network.direction", "file.path", "file.name", "file.extension",
        "process.interactive", "process.tty.char_device.major",
    ]

    private static let programs = ["bash", "sh", "dash", "curl", "wget", "python3", "nc", "ssh", "sudo", "cat", "grep",
                                   "systemctl", "cron", "perl", "chmod", "busybox", "apt", "git", "node", "socat",
                                   "base64", "openssl", "crontab", "useradd", "kmod", "insmod", "tar", "ld.so", "awk"]
    private static let parents = ["bash", "sshd", "systemd", "cron", "sh", "python3", "node", "containerd-shim", "sudo"]
    private static let paths = ["/tmp/x", "/etc/passwd", "/dev/shm/.a", "/var/tmp/run.sh", "/etc/cron.d/job",
                                "/home/u/.ssh/authorized_keys", "/usr/bin/ls", "/etc/ld.so.preload", "/root/.bashrc"]

    init(table: inout FieldTable) {
        var slots: [String: Int] = [:]
        for field in Self.fields { slots[field] = table.intern(field) }
        self.slots = slots
        self.table = table
    }

    private mutating func next(_ bound: Int) -> Int {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Int(state % UInt64(bound))
    }

    /// The next event, one millisecond after the previous one.
    mutating func event() -> SlotEvent {
        serial += 1
        var values = [FieldValue](repeating: .null, count: slots.count)
        func set(_ name: String, _ value: FieldValue) { values[slots[name]!] = value }
        let host = next(4)
        let pid = Int64(1000 + next(400))
        let program = Self.programs[next(Self.programs.count)]
        let parent = Self.parents[next(Self.parents.count)]
        set("@timestamp", .int(Int64(serial)))
        set("host.os.type", "linux")
        set("host.id", .string("host-\(host)"))
        set("host.name", .string("node\(host)"))
        set("event.kind", "event")
        set("event.outcome", "success")
        set("process.name", .string(program))
        set("process.executable", .string("/usr/bin/" + program))
        set("process.pid", .int(pid))
        set("process.entity_id", .string("e-\(host)-\(pid)"))
        set("process.parent.name", .string(parent))
        set("process.parent.executable", .string("/usr/bin/" + parent))
        set("process.parent.pid", .int(pid / 2))
        set("process.parent.entity_id", .string("e-\(host)-\(pid / 2)"))
        set("user.id", .string(next(3) == 0 ? "0" : "1000"))
        set("user.name", .string(next(3) == 0 ? "root" : "user"))
        set("group.id", "0")
        set("process.working_directory", "/tmp")
        switch next(10) {
        case 0..<6:
            let args: [FieldValue] = [.string(program), next(2) == 0 ? "-c" : "-o", .string(Self.paths[next(Self.paths.count)])]
            set("event.category", ["process"])
            set("event.type", ["start"])
            set("event.action", next(2) == 0 ? "exec" : "executed")
            set("process.args", .array(args))
            set("process.args_count", .int(Int64(args.count)))
            set("process.command_line", .string(args.compactMap(\.stringValue).joined(separator: " ")))
            set("process.parent.args", .array([.string(parent)]))
        case 6:
            set("event.category", ["process"])
            set("event.type", ["end"])
            set("event.action", "end")
        case 7:
            set("event.category", ["process"])
            set("event.type", ["change"])
            set("event.action", "session_id_change")
            set("process.interactive", .bool(next(2) == 0))
        case 8:
            set("event.category", ["network"])
            set("event.type", ["start"])
            set("event.action", next(2) == 0 ? "connection_attempted" : "connected-to")
            set("destination.ip", .string("10.0.\(next(4)).\(next(250))"))
            set("destination.port", .int(Int64([22, 80, 443, 4444, 53][next(5)])))
            set("source.ip", "10.0.9.9")
            set("source.port", .int(Int64(30000 + next(30000))))
            set("network.transport", "tcp")
            set("network.direction", "egress")
        default:
            let path = Self.paths[next(Self.paths.count)]
            set("event.category", ["file"])
            set("event.type", ["creation"])
            set("event.action", "creation")
            set("file.path", .string(path))
            set("file.name", .string(String(path.split(separator: "/").last ?? "")))
        }
        return SlotEvent(values: values, timestamp: Int64(serial) * 1_000_000, tiebreaker: .int(Int64(serial)), ordinal: serial)
    }
}
