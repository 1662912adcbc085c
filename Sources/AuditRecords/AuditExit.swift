/// `exit=` values of SYSCALL records: negative errno → POSIX name.
public enum AuditExit {
    /// `EINPROGRESS` for -115, the decimal text for non-negative values and unknown errnos.
    public static func name(_ exit: Int64) -> String {
        if exit < 0, exit > -Int64(ErrnoTable.names.count), let name = ErrnoTable.names[Int(-exit)] { return name }
        return String(exit)
    }

    /// The errno name for a positive errno number (`13` → `EACCES`), or nil.
    static func errnoName(_ errno: Int) -> String? {
        guard errno > 0, errno < ErrnoTable.names.count else { return nil }
        return ErrnoTable.names[errno]
    }
}
