#if canImport(Glibc)
import Glibc
#endif

/// The daemon's CPU priority. Under a workload that saturates the machine (any user can run a spawn loop), the
/// audited processes and auspex compete for the same cores; at equal priority the processing thread falls behind
/// and the record queue overflows. Like auditd (`priority_boost`), auspex lowers its nice value so that it keeps up
/// and the workload, not the sensor, slows down. The audited processes never wait on auspex (backlog_wait_time 0).
enum Scheduling {
    /// Sets the calling thread's nice value to `nice` unless it is already that low; threads started afterwards
    /// inherit it (Linux keeps nice per thread). Returns a line for the log, nil when nothing was to be done.
    static func apply(nice: Int) -> String? {
        errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        if errno == 0, Int(current) <= nice { return nil }
        if setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Int32(nice)) != 0 {
            let reason = String(cString: strerror(errno))
            return "nice \(nice) not applied (\(reason)); under a saturating workload records may be dropped "
                + "(the unit sets Nice=)"
        }
        return "nice \(nice): reader and processing threads run ahead of the audited workload"
    }
}
