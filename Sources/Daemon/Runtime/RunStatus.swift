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
    /// Reloads that found errors and kept the running set.
    var reloadFailures: UInt64 = 0
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
            "enobufs=\(receive.enobufs)", "loss_alerts=\(lossAlerts)", "reload_failures=\(reloadFailures)",
            "audit_turned_off=\(auditTurnedOff)", "audit_replace_attempts=\(auditReplaceAttempts)", "malformed=\(processor.pipeline.malformed)",
            "pending_keys=\(processor.pendingKeys)", "evicted=\(processor.evicted)",
            "suppressed=\(processor.gate.suppressed)", "rate_limited=\(processor.gate.rateLimited)",
        ]
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
            "  reloads: \(reloadFailures) failed (running set kept)",
            "  audit state: turned off by others \(auditTurnedOff) times, \(auditReplaceAttempts) attempts to take the audit socket",
            "  pipeline: \(p.records) records (\(p.malformed) malformed), \(p.events) events, \(p.documents) documents, "
                + "reassembly lost \(processor.reassemblyLost) evicted \(processor.reassemblyEvicted)",
            "  rules: \(processor.rules) rules, \(processor.engine.offers) evaluations, \(p.alerts) alerts; state expired "
                + "\(processor.expired), evicted \(processor.evicted), dropped on reload \(processor.engine.droppedOnReload); "
                + "\(processor.engine.excepted) events kept from rules by exceptions",
        ]
        let t = processor.processes
        lines.append("  processes: \(processor.processCount) known, \(t.scanned) scanned at start, \(t.forks) forks, "
                     + "\(t.execs) execs, \(t.exits) exits, \(t.sessionChanges) new sessions, \(t.pidReuses) pid reuses, "
                     + "\(t.threads) clone3 threads, \(t.evicted) evicted, \(t.pruned) pruned, "
                     + "/proc lookups \(t.procLookups) (\(t.procMisses) missed), "
                     + "\(t.truncatedArguments) argument vectors truncated")
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
        document.append("uptime_seconds", .int(Int64(uptimeSeconds)))
        document.append("rules", .int(Int64(processor.rules)))
        document.append("kernel.messages", .int(Int64(receive.messages)))
        document.append("kernel.lost", kernelLost.map { .int(Int64($0)) } ?? .null)
        document.append("kernel.enobufs", .int(Int64(receive.enobufs)))
        document.append("queue.accepted", .int(Int64(queue.accepted)))
        document.append("queue.dropped", .int(Int64(queue.dropped)))
        document.append("queue.high_water", .int(Int64(queue.highWater)))
        document.append("loss_alerts", .int(Int64(clamping: lossAlerts)))
        document.append("reload_failures", .int(Int64(clamping: reloadFailures)))
        document.append("audit.turned_off", .int(Int64(clamping: auditTurnedOff)))
        document.append("audit.replace_attempts", .int(Int64(clamping: auditReplaceAttempts)))
        document.append("pipeline.records", .int(Int64(p.records)))
        document.append("pipeline.malformed", .int(Int64(p.malformed)))
        document.append("pipeline.events", .int(Int64(p.events)))
        document.append("pipeline.alerts", .int(Int64(p.alerts)))
        let g = processor.gate
        for (name, value) in [("raised", g.raised), ("passed", g.passed), ("suppressed", g.suppressed),
                              ("summaries", g.summaries), ("rate_limited", g.rateLimited), ("truncated", g.truncated),
                              ("groups_evicted", g.groupsEvicted)] {
            document.append("alerts." + name, .int(Int64(clamping: value)))
        }
        document.append("exceptions.excepted", .int(Int64(clamping: processor.engine.excepted)))
        // Per rule (ids may hold dots, so these are arrays of objects, not keys).
        document.append("exceptions.hits", .array(processor.exceptionHits.sorted { $0.key.description < $1.key.description }.map {
            .object([.init("rule", .string($0.key.rule)), .init("item", .string($0.key.item)), .init("count", .int(Int64(clamping: $0.value)))])
        }))
        let rules = Set(processor.suppressedByRule.keys).union(processor.rateLimitedByRule.keys).sorted()
        document.append("alerts.by_rule", .array(rules.map { rule in
            .object([.init("rule", .string(rule)),
                     .init("suppressed", .int(Int64(clamping: processor.suppressedByRule[rule] ?? 0))),
                     .init("rate_limited", .int(Int64(clamping: processor.rateLimitedByRule[rule] ?? 0)))])
        }))
        document.append("state.pending_keys", .int(Int64(processor.pendingKeys)))
        document.append("state.expired", .int(Int64(processor.expired)))
        document.append("state.evicted", .int(Int64(processor.evicted)))
        let t = processor.processes
        for (name, value) in [("count", UInt64(processor.processCount)), ("scanned", t.scanned), ("forks", t.forks),
                              ("execs", t.execs), ("exits", t.exits), ("session_changes", t.sessionChanges),
                              ("pid_reuses", t.pidReuses), ("clone3_threads", t.threads), ("evicted", t.evicted),
                              ("pruned", t.pruned),
                              ("proc_lookups", t.procLookups), ("proc_misses", t.procMisses),
                              ("truncated_arguments", t.truncatedArguments)] {
            document.append("processes." + name, .int(Int64(clamping: value)))
        }
        for sink in sinks {
            document.append("sinks.\(sink.name).delivered", .int(Int64(sink.counters.delivered)))
            document.append("sinks.\(sink.name).failed", .int(Int64(sink.counters.failed)))
            document.append("sinks.\(sink.name).dropped", .int(Int64(sink.counters.dropped)))
            document.append("sinks.\(sink.name).retention_errors", .int(Int64(sink.counters.retentionErrors)))
        }
        return JSONWriter.string(document) + "\n"
    }

    /// Writes the state file atomically (tmp + rename); failures are ignored, the file is informative.
    func writeStateFile(_ path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(json.utf8)) else { return }
        _ = rename(temporary, path)
    }
}
