import Alerting

extension LogReplay {
    /// Replays `descriptor` as `run(descriptor:through:deliver:)` does, then passes the rules' alerts through `gate`
    /// on event time (the latest matched-event time so far is the gate's clock), as `auspex replay` does: suppression
    /// windows and rate limits follow the log, and the windows still open at the end close with it.
    public static func run(descriptor: Int32, through pipeline: inout DetectionPipeline, gate: inout AlertGate,
                           deliver: (Alert) -> Void) -> Outcome {
        var latest = AlertTime(nanosecondsSinceEpoch: 0)
        var out: [Alert] = []
        let outcome = run(descriptor: descriptor, through: &pipeline) { alert in
            latest = max(latest, alert.lastEventTime)
            gate.offer(alert, now: latest, into: &out)
            out.forEach(deliver)
            out.removeAll(keepingCapacity: true)
        }
        gate.finish(now: latest, into: &out)
        out.forEach(deliver)
        return outcome
    }
}
