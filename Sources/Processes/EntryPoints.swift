/// How a session was entered, as Defend's `process.entry_leader.entry_meta.type` names it, judged from the parent
/// of the process that started the session.
enum EntryPoints {
    /// The entry type when a session leader's parent is an entry point, nil when the parent is an ordinary process
    /// (the session is nested inside an existing entry, e.g. a shell running `setsid`).
    static func type(ofParent parent: ProcessInstance?, parentPid: Int32) -> String? {
        if parentPid <= 1 { return "init" }
        guard let parent else { return nil }
        let name = parent.executable.map(baseName) ?? parent.name ?? ""
        if let type = typeByParentName[name] { return type }
        if name.hasPrefix("containerd-shim") { return "container" }
        return nil
    }

    private static let typeByParentName: [String: String] = [
        "systemd": "init", "init": "init",
        "sshd": "sshd", "sshd-session": "sshd",
        "login": "terminal", "agetty": "terminal", "getty": "terminal", "mingetty": "terminal",
        "runc": "container", "crun": "container", "conmon": "container",
        "kthreadd": "kthread",
        "amazon-ssm-agent": "ssm", "ssm-session-worker": "ssm",
    ]

    static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}

/// Terminal names from the device numbers `/proc/<pid>/stat` gives, spelled as audit's `tty=` (`pts7`, `tty1`).
enum TTYName {
    static func name(ofDevice device: Int32) -> String {
        let value = UInt32(bitPattern: device)
        let major = (value >> 8) & 0xfff
        let minor = (value & 0xff) | ((value >> 12) & 0xfff00)
        switch major {
        case 136...143: return "pts\((major - 136) * 256 + minor)"
        case 4 where minor < 64: return "tty\(minor)"
        case 4: return "ttyS\(minor - 64)"
        case 5 where minor == 1: return "console"
        default: return "tty(\(major):\(minor))"
        }
    }
}
