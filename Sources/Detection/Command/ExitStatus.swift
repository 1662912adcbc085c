/// Exit statuses of `auspex run`, `check` and `replay` (sysexits.h), so the unit's `RestartPreventExitStatus=`
/// stops systemd from restarting into the same error.
public enum ExitStatus {
    public static let success: Int32 = 0
    /// A runtime failure after start-up (systemd may restart).
    public static let failure: Int32 = 1
    /// EX_USAGE: bad flags or arguments.
    public static let usage: Int32 = 64
    /// EX_NOINPUT: an input file could not be opened.
    public static let noInput: Int32 = 66
    /// EX_NOPERM: missing CAP_AUDIT_CONTROL / CAP_AUDIT_READ, or not root.
    public static let privilege: Int32 = 77
    /// EX_CONFIG: configuration or rule errors.
    public static let config: Int32 = 78
}
