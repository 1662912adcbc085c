import Alerting
import Foundation

extension LogReplay.Outcome {
    /// The stderr summary of this replay through `pipeline` into `sinks` (`auspex replay`): what was read and
    /// raised, the rate, the rule state and the exceptions that applied.
    func summary(of pipeline: DetectionPipeline, sinks: [AlertSink]) -> String {
        let counters = pipeline.counters
        let seconds = max(Double(elapsedNanos) / 1e9, 1e-9)
        let match = pipeline.matchCounters
        let engine = pipeline.engineCounters
        let perEvent = { (offers: UInt64) in String(format: "%.1f", Double(offers) / Double(max(engine.events, 1))) }
        var lines = [
            "auspex replay: \(self.lines) lines, \(counters.records) records (\(counters.malformed) malformed), "
                + "\(counters.events) events, \(counters.alerts) alerts from \(pipeline.ruleSet.rules.count) rules",
            "  \(Int(Double(counters.records) / seconds)) records/s, \(Int(Double(counters.events) / seconds)) events/s "
                + "in \(String(format: "%.3f", seconds)) s; \(engine.offers) rule evaluations, \(perEvent(engine.offers)) "
                + "rules offered per event (category index alone: \(perEvent(engine.categoryOffers)))",
            "  state: \(match.sequencesStarted) sequences started, \(match.expired) expired, \(match.evicted) evicted, "
                + "\(pipeline.pendingKeys) keys pending",
        ]
        if engine.excepted > 0 {
            lines.append("  exceptions: \(engine.excepted) events kept from rules; "
                + pipeline.exceptionHits.map { "\($0.rule) \($0.item) \($0.count)" }.joined(separator: ", "))
        }
        for sink in sinks { lines.append("  \(sink.name): \(sink.counters)") }
        return lines.joined(separator: "\n")
    }
}
