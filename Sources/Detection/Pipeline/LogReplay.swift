import Alerting
import AuditRecords

/// Runs audit.log text through a `DetectionPipeline`: lines in file order, reassembly timeouts driven by record
/// time, every alert handed to `deliver` as soon as it is raised.
public enum LogReplay {
    /// What a replay read and raised.
    struct Outcome: Sendable {
        var lines = 0
        var blankLines = 0
        var truncatedLines = 0
        /// errno of a failed read, if the input ended on an error.
        var readError: Int32?
        /// Wall-clock nanoseconds spent.
        var elapsedNanos: Int64 = 0
    }

    /// Replays everything readable from `descriptor`.
    static func run(descriptor: Int32, through pipeline: inout DetectionPipeline,
                           deliver: (Alert) -> Void) -> Outcome {
        var outcome = Outcome()
        let started = MonotonicClock.nanoseconds()
        var reader = LogRecordReader(descriptor: descriptor)
        var alerts: [Alert] = []
        reading: while true {
            switch reader.nextLine() {
            case .record(let record): pipeline.add(record, now: reader.now, into: &alerts)
            case .malformed: pipeline.countMalformed()
            case .end: break reading
            }
            if !alerts.isEmpty {
                alerts.forEach(deliver)
                alerts.removeAll(keepingCapacity: true)
            }
        }
        pipeline.finish(into: &alerts)
        alerts.forEach(deliver)
        outcome.lines = reader.lineNumber
        outcome.blankLines = reader.blankLines
        outcome.truncatedLines = reader.truncatedLines
        outcome.readError = reader.error
        outcome.elapsedNanos = MonotonicClock.nanoseconds() - started
        return outcome
    }
}
