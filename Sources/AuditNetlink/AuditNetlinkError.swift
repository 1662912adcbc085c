#if canImport(Glibc)
import Glibc
#endif

/// Why a kernel audit operation failed, with a hint an operator can act on.
public enum AuditNetlinkError: Error, Equatable, CustomStringConvertible {
    /// A system call or netlink request failed with `errno`.
    case system(operation: String, errno: Int32)
    /// Auditing is locked (`enabled 2`, `auditctl -e 2`): neither settings nor rules can change until reboot.
    case configurationLocked
    /// Another process (auditd, Auditbeat, osquery, …) is the kernel's unicast audit daemon.
    case daemonAlreadyRegistered(pid: UInt32)
    /// The kernel state file (see `KernelStateFile`) could not be removed after the settings were restored.
    case stateFile(KernelStateFileError)

    public var description: String {
        switch self {
        case .system(let operation, let code):
            return "\(operation): \(String(cString: strerror(code)))\(Self.hint(for: code))"
        case .configurationLocked:
            return "kernel audit configuration is locked (enabled=2): settings and rules cannot change until reboot; "
                + "--multicast --no-rules reads what the existing rules produce"
        case .daemonAlreadyRegistered(let pid):
            return "pid \(pid) is already the kernel audit daemon; stop it or use --multicast to read beside it"
        case .stateFile(let error):
            return "kernel state file: \(error)"
        }
    }

    private static func hint(for code: Int32) -> String {
        switch code {
        case EPERM, EACCES: return " (needs root: CAP_AUDIT_CONTROL, or CAP_AUDIT_READ for multicast)"
        case ECONNREFUSED: return " (audit netlink works only in the initial user and pid namespace)"
        case EPROTONOSUPPORT: return " (kernel built without CONFIG_AUDIT)"
        case EEXIST: return " (another audit daemon is registered)"
        default: return ""
        }
    }

    /// Turns a shim return value (negative errno on failure) into a thrown error.
    @discardableResult
    static func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(AuditNetlinkError) -> Int32 {
        if result < 0 { throw .system(operation: operation(), errno: -result) }
        return result
    }
}
