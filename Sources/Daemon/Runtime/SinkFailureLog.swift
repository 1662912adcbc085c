import Alerting

/// Sink write failures for the operator, at most one line per sink per interval: a full disk or a stopped journald
/// fails every alert, and a line per alert would flood the very log that may be failing. A line gives the failures
/// since the last one and the last error; the first delivery after failures says the sink works again. The counters
/// themselves are always exact (`failed` in STATUS=, the state file and the exit summary).
struct SinkFailureLog {
    private struct Seen {
        var reportedFailed: UInt64 = 0
        var lastReport: Int64?
        var failing = false
        /// The counters at the previous check: a delivery with no failure since then ends a failing spell.
        var delivered: UInt64 = 0
        var failed: UInt64 = 0
    }

    private(set) var intervalNanoseconds: Int64
    private var seen: [String: Seen] = [:]

    init(intervalSeconds: Int) {
        intervalNanoseconds = Int64(max(1, intervalSeconds)) * 1_000_000_000
    }

    mutating func setInterval(seconds: Int) {
        intervalNanoseconds = Int64(max(1, seconds)) * 1_000_000_000
    }

    /// The lines to log now for `sinks`, given the monotonic time in nanoseconds.
    mutating func check(_ sinks: [(name: String, counters: SinkCounters)], monotonic now: Int64) -> [String] {
        var lines: [String] = []
        for (name, counters) in sinks {
            var state = seen[name] ?? Seen(delivered: counters.delivered)
            defer {
                state.delivered = counters.delivered
                state.failed = counters.failed
                seen[name] = state
            }
            let unreported = counters.failed &- state.reportedFailed
            if state.failing, counters.delivered > state.delivered, counters.failed == state.failed {
                lines.append("sink \(name): writing again (\(counters.failed) failed in all)")
                state.failing = false
                state.lastReport = nil
                state.reportedFailed = counters.failed
            } else if unreported > 0, state.lastReport.map({ now - $0 >= intervalNanoseconds }) ?? true {
                lines.append("sink \(name): \(unreported) alert(s) failed to write"
                    + (state.lastReport == nil ? "" : " in the last \(intervalNanoseconds / 1_000_000_000) s")
                    + "; last error: \(counters.lastError ?? "unknown"); counted as failed, other sinks still get "
                    + "every alert (next report at most once per \(intervalNanoseconds / 1_000_000_000) s)")
                state.reportedFailed = counters.failed
                state.lastReport = now
                state.failing = true
            }
        }
        return lines
    }
}
