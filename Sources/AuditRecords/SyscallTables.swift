/// Syscall number → name, per architecture (data in SyscallTable+<arch>.swift).
enum SyscallTables {
    static func name(arch: AuditArch, number: Int) -> String? {
        guard number >= 0 else { return nil }
        let table: [String?]
        switch arch {
        case .x86_64: table = x86_64Syscalls
        case .aarch64: table = aarch64Syscalls
        case .i386: table = i386Syscalls
        default: return nil
        }
        return number < table.count ? table[number] : nil
    }

}

/// i386 `socketcall(call, args)` multiplexer: `a0` of a socketcall SYSCALL record names the socket operation.
enum SocketCall {
    /// The operation for `call` (linux/net.h SYS_SOCKET = 1 … SYS_SENDMMSG = 20), or nil.
    static func name(_ call: UInt64) -> String? {
        guard call >= 1, call <= UInt64(names.count) else { return nil }
        return names[Int(call) - 1]
    }

    static let names = [
        "socket", "bind", "connect", "listen", "accept", "getsockname", "getpeername", "socketpair", "send", "recv",
        "sendto", "recvfrom", "shutdown", "setsockopt", "getsockopt", "sendmsg", "recvmsg", "accept4", "recvmmsg",
        "sendmmsg",
    ]
}
