import Alerting

extension LogReplay {
    /// `auspex replay`: replays `descriptor` through a pipeline of `ruleSet` with `settings` and a gate with `policy`
    /// (below), every alert to each of `sinks`, which are closed at the end (waiting up to 10 s). Returns the stderr
    /// summary (read, raised, rate, rule state, exceptions, sinks, the gate's counters) and the errno of a failed read.
    public static func run(descriptor: Int32, ruleSet: RuleSet, settings: PipelineSettings, policy: AlertPolicy,
                           sinks: [any AlertSink]) -> (summary: String, readError: Int32?) {
        var pipeline = DetectionPipeline(ruleSet: ruleSet, settings: settings)
        var gate = AlertGate(policy: policy)
        let outcome = run(descriptor: descriptor, through: &pipeline, gate: &gate) { alert in
            for sink in sinks { sink.deliver(alert) }
        }
        for sink in sinks { sink.close(timeoutMilliseconds: 10_000) }
        return (outcome.summary(of: pipeline, sinks: sinks) + "\n  alerts: \(gate.counters)", outcome.readError)
    }

    /// Replays `descriptor` as `run(descriptor:through:deliver:)` does, then passes the rules' alerts through `gate`
    /// on event time (the latest matched-event time so far is the gate's clock), as `auspex replay` does: suppression
    /// windows and rate limits follow the log, and the windows still open at the end close with it.
    static func run(descriptor: Int32, through pipeline: inout DetectionPipeline, gate: inout AlertGate,
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
