import Alerting
import AuditNetlink
import Detection
import EventModel
import Foundation

/// Every counter of a running daemon at one moment: what STATUS=, the state file and the final summary show.
struct RunStatus {
    var processor: ProcessorSnapshot
    var queue: RecordQueue.Counters
    var receive: ReceiveCounters
    /// Kernel `lost` since start (unicast only).
    var kernelLost: UInt32?
    var sinks: [(name: String, counters: SinkCounters)]
    var uptimeSeconds: Int
    /// Blind-spot alerts raised so far (see `LossMonitor`).
    var lossAlerts: UInt64 = 0
    /// Mode, rule loading, reloads and the last interval's rates.
    var facts = DaemonFacts()
    /// Times another process turned kernel auditing off, and attempts to take the audit socket (`AuditStateWatch`).
    var auditTurnedOff: UInt64 = 0
    var auditReplaceAttempts: UInt64 = 0

    /// The loss counters, with the kernel's `lost` as the caller last saw it.
    func lossCounts(kernelLost: UInt64) -> LossCounts {
        LossCounts(kernelLost: kernelLost, enobufs: UInt64(receive.enobufs), queueDropped: queue.dropped,
                   reassemblyLost: processor.reassemblyLost, reassemblyEvicted: processor.reassemblyEvicted,
                   ruleStateEvicted: UInt64(max(0, processor.evicted)),
                   sinkDropped: sinks.reduce(0) { $0 + $1.counters.dropped })
    }

    /// One line for `systemctl status`.
    var line: String {
        var parts = [
            "rules=\(processor.rules)", "events=\(processor.pipeline.events)", "alerts=\(processor.pipeline.alerts)",
            "queue_drops=\(queue.dropped)", "lost=\(kernelLost.map(String.init) ?? "n/a")",
            "enobufs=\(receive.enobufs)", "loss_alerts=\(lossAlerts)", "reload_failures=\(facts.reloadFailures)",
            "audit_turned_off=\(auditTurnedOff)", "audit_replace_attempts=\(auditReplaceAttempts)", "malformed=\(processor.pipeline.malformed)",
            "pending_keys=\(processor.pendingKeys)", "evicted=\(processor.evicted)",
        ] + processor.gate.named.filter { ["suppressed", "rate_limited"].contains($0.name) }.map { "\($0.name)=\($0.value)" }
        for sink in sinks {
            parts.append("\(sink.name)=\(sink.counters.delivered)/\(sink.counters.failed + sink.counters.dropped)")
        }
        return parts.joined(separator: " ")
    }

    /// The multi-line summary printed on stderr at exit.
    var summary: String {
        let p = processor.pipeline
        var lines = [
            "stopped after \(uptimeSeconds) s",
            "  kernel: \(receive.messages) messages in \(receive.datagrams) datagrams, lost \(kernelLost.map(String.init) ?? "n/a (multicast)"), "
                + "enobufs \(receive.enobufs), truncated \(receive.truncated)",
            "  queue: \(queue.accepted) accepted, \(queue.dropped) dropped, high water \(queue.highWater)",
            "  blind spots: \(lossAlerts) loss alerts",
            "  reloads: \(facts.reloadFailures) failed (running set kept)",
            "  audit state: turned off by others \(auditTurnedOff) times, \(auditReplaceAttempts) attempts to take the audit socket",
            "  pipeline: \(p.records) records (\(p.malformed) malformed), \(p.events) events, \(p.documents) documents, "
                + "reassembly lost \(processor.reassemblyLost) evicted \(processor.reassemblyEvicted)",
            "  rules: \(processor.rules) rules, \(processor.engine.offers) evaluations, \(p.alerts) alerts; state expired "
                + "\(processor.expired), evicted \(processor.evicted), dropped on reload \(processor.engine.droppedOnReload); "
                + "\(processor.engine.excepted) events kept from rules by exceptions",
        ]
        lines.append("  processes: \(processor.processCount) known, \(processor.processes)")
        lines.append("  alerts: \(processor.gate)")
        for sink in sinks { lines.append("  \(sink.name): \(sink.counters)") }
        return lines.joined(separator: "\n")
    }

    /// The state file's JSON: the same counters, machine-readable.
    var json: String {
        let p = processor.pipeline
        var document = Document()
        // pid and write time let `auspex status` tell a live daemon from the file a stopped one left behind.
        document.append("pid", .int(Int64(getpid())))
        document.append("written_at", .int(Int64(time(nil))))
        document.append("version", .string(BuildInfo.version))
        document.append("mode", .string(facts.mode))
        document.append("uptime_seconds", .int(Int64(uptimeSeconds)))
        document.append("rules.loaded", .int(Int64(processor.rules)))
        document.append("rules.skipped", .int(Int64(facts.rulesSkipped)))
        document.append("rules.failed", .int(Int64(facts.rulesFailed)))
        document.append("reload.count", .int(Int64(clamping: facts.reloads)))
        document.append("reload.failures", .int(Int64(clamping: facts.reloadFailures)))
        document.append("reload.last_succeeded", facts.lastReloadSucceeded.map { .bool($0) } ?? .null)
        document.append("rate.interval_seconds", .double(facts.rateIntervalSeconds))
        document.append("rate.records_per_second", .double(facts.recordsPerSecond))
        document.append("rate.events_per_second", .double(facts.eventsPerSecond))
        document.append("kernel.messages", .int(Int64(receive.messages)))
        document.append("kernel.lost", kernelLost.map { .int(Int64($0)) } ?? .null)
        document.append("kernel.enobufs", .int(Int64(receive.enobufs)))
        document.append("queue.accepted", .int(Int64(queue.accepted)))
        document.append("queue.dropped", .int(Int64(queue.dropped)))
        document.append("queue.depth", .int(Int64(queue.depth)))
        document.append("queue.high_water", .int(Int64(queue.highWater)))
        document.append("loss_alerts", .int(Int64(clamping: lossAlerts)))
        document.append("audit.turned_off", .int(Int64(clamping: auditTurnedOff)))
        document.append("audit.replace_attempts", .int(Int64(clamping: auditReplaceAttempts)))
        document.append("pipeline.records", .int(Int64(p.records)))
        document.append("pipeline.malformed", .int(Int64(p.malformed)))
        document.append("pipeline.events", .int(Int64(p.events)))
        document.append("pipeline.documents", .int(Int64(p.documents)))
        document.append("pipeline.events_by_type", .array(processor.eventTypes.byName.map {
            .object([.init("type", .string($0.type)), .init("count", .int(Int64(clamping: $0.count)))])
        }))
        document.append("pipeline.records_by_type", .array(processor.tally.recordsByType.map {
            .object([.init("type", .string($0.type)), .init("count", .int(Int64(clamping: $0.count)))])
        }))
        document.append("pipeline.alerts", .int(Int64(p.alerts)))
        for (name, value) in processor.gate.named {
            document.append("alerts." + name, .int(Int64(clamping: value)))
        }
        document.append("exceptions.excepted", .int(Int64(clamping: processor.engine.excepted)))
        // Per rule (ids may hold dots, so these are arrays of objects, not keys).
        document.append("exceptions.hits", .array(processor.exceptionHits.map {
            .object([.init("rule", .string($0.rule)), .init("item", .string($0.item)), .init("count", .int(Int64(clamping: $0.count)))])
        }))
        // Per rule: alerts delivered (by severity: a reload may change it), suppressed and rate-limited.
        let delivered = processor.tally.alertsByRule
        let rules = Set(processor.suppressedByRule.keys).union(processor.rateLimitedByRule.keys)
            .union(delivered.keys.map(\.id)).sorted()
        document.append("alerts.by_rule", .array(rules.map { rule in
            let keys = delivered.keys.filter { $0.id == rule }.sorted()
            return .object([.init("rule", .string(rule)),
                            .init("name", keys.first.map { .string($0.name) } ?? .null),
                            .init("delivered", .array(keys.map { key in
                                .object([.init("severity", .string(key.severity)),
                                         .init("count", .int(Int64(clamping: delivered[key] ?? 0)))])
                            })),
                            .init("suppressed", .int(Int64(clamping: processor.suppressedByRule[rule] ?? 0))),
                            .init("rate_limited", .int(Int64(clamping: processor.rateLimitedByRule[rule] ?? 0)))])
        }))
        let loss = lossCounts(kernelLost: UInt64(kernelLost ?? 0))
        for cause in loss.causes { document.append("loss." + cause.name, .int(Int64(clamping: cause.count))) }
        document.append("loss.total", .int(Int64(clamping: loss.total)))
        document.append("state.pending_keys", .int(Int64(processor.pendingKeys)))
        document.append("state.expired", .int(Int64(processor.expired)))
        document.append("state.evicted", .int(Int64(processor.evicted)))
        for (name, value) in [("count", UInt64(processor.processCount))] + processor.processes.named {
            document.append("processes." + name, .int(Int64(clamping: value)))
        }
        for sink in sinks {
            document.append("sinks.\(sink.name).healthy", .bool(sink.counters.failed == 0 && sink.counters.dropped == 0))
            document.append("sinks.\(sink.name).last_error", sink.counters.lastError.map { .string($0) } ?? .null)
            document.append("sinks.\(sink.name).delivered", .int(Int64(sink.counters.delivered)))
            document.append("sinks.\(sink.name).failed", .int(Int64(sink.counters.failed)))
            document.append("sinks.\(sink.name).dropped", .int(Int64(sink.counters.dropped)))
            document.append("sinks.\(sink.name).retention_errors", .int(Int64(sink.counters.retentionErrors)))
            document.append("sinks.\(sink.name).evicted", .int(Int64(sink.counters.evicted)))
        }
        return JSONWriter.string(document) + "\n"
    }

    /// Writes the state file atomically (tmp + rename); failures are ignored, the file is informative.
    func writeStateFile(_ path: String) {
        try? AtomicFile.write(json, to: path, createDirectory: true)
    }
}

/// What the daemon knows beyond the pipeline's counters: its mode, how its rules loaded, its reloads, and the
/// rates over the last status interval.
struct DaemonFacts: Sendable {
    var mode = "unicast"
    /// Rules skipped at the last successful load (not EQL).
    var rulesSkipped = 0
    /// Rules that failed at the last load attempt (a reload that fails keeps the running rules).
    var rulesFailed = 0
    var reloads: UInt64 = 0
    var reloadFailures: UInt64 = 0
    /// Nil before the first reload.
    var lastReloadSucceeded: Bool?
    var rateIntervalSeconds = 0.0
    var recordsPerSecond = 0.0
    var eventsPerSecond = 0.0
}
