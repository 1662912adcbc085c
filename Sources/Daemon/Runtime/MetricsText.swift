import Detection

/// The daemon's counters in the Prometheus text exposition format (version 0.0.4), for the node exporter's textfile
/// collector (`[metrics] textfile`). Every family has HELP and TYPE lines; label values are escaped; families and
/// series come in a stable order, so two renderings of the same status are equal.
struct MetricsText {
    private var lines: [String] = []

    /// The exposition of one status.
    static func render(_ status: RunStatus) -> String {
        var text = MetricsText()
        let p = status.processor.pipeline
        let facts = status.facts
        text.family("auspex_build_info", .gauge, "auspex version (always 1).", [([("version", BuildInfo.version)], 1)])
        text.family("auspex_uptime_seconds", .gauge, "Seconds since the daemon started.", [([], Double(status.uptimeSeconds))])
        text.family("auspex_mode_info", .gauge, "How the daemon reads the kernel: unicast or multicast (always 1).",
                    [([("mode", facts.mode)], 1)])
        text.family("auspex_rules", .gauge, "Detection rules by load outcome.",
                    [([("state", "loaded")], Double(status.processor.rules)),
                     ([("state", "skipped")], Double(facts.rulesSkipped)),
                     ([("state", "failed")], Double(facts.rulesFailed))])
        text.family("auspex_reloads_total", .counter, "Reloads (SIGHUP) attempted.", [([], Double(facts.reloads))])
        text.family("auspex_reload_failures_total", .counter, "Reloads that kept the running rules because of errors.",
                    [([], Double(facts.reloadFailures))])
        text.family("auspex_last_reload_success", .gauge, "1 when the last reload (or the start) loaded cleanly.",
                    [([], facts.lastReloadSucceeded == false ? 0 : 1)])
        text.family("auspex_kernel_messages_total", .counter, "Netlink messages read from the kernel.",
                    [([], Double(status.receive.messages))])
        text.family("auspex_records_total", .counter, "Audit records processed, by record type.",
                    status.processor.tally.recordsByType.map { ([("type", $0.type)], Double($0.count)) })
        text.family("auspex_records_malformed_total", .counter, "Audit records that did not parse.", [([], Double(p.malformed))])
        text.family("auspex_events_total", .counter, "Audit events reassembled from records, by the type of their first record.",
                    status.processor.eventTypes.byName.map { ([("type", $0.type)], Double($0.count)) })
        text.family("auspex_documents_total", .counter, "ECS documents offered to the rules.", [([], Double(p.documents))])
        text.family("auspex_alerts_total", .counter, "Alerts delivered to the sinks, by rule and severity.",
                    status.processor.tally.alertsByRule.sorted { $0.key < $1.key }.map {
                        ([("rule_id", $0.key.id), ("rule_name", $0.key.name), ("severity", $0.key.severity)], Double($0.value))
                    })
        text.family("auspex_alert_gate_total", .counter, "Alerts between the rules and the sinks, by outcome.",
                    status.processor.gate.named.map { ([("outcome", $0.name)], Double($0.value)) })
        text.family("auspex_events_excepted_total", .counter, "Events kept from rules by exception lists.",
                    [([], Double(status.processor.engine.excepted))])
        let loss = status.lossCounts(kernelLost: UInt64(status.kernelLost ?? 0))
        text.family("auspex_lost_total", .counter, "Audit data lost, by cause (any of it raises the blind-spot alert).",
                    loss.causes.map { ([("cause", $0.name)], Double($0.count)) })
        text.family("auspex_loss_alerts_total", .counter, "Blind-spot alerts raised.", [([], Double(status.lossAlerts))])
        text.family("auspex_queue_depth", .gauge, "Records waiting between the reader and the processing thread.",
                    [([("queue", "records")], Double(status.queue.depth))])
        text.family("auspex_queue_high_water", .gauge, "Most records ever waiting in the queue at once.",
                    [([("queue", "records")], Double(status.queue.highWater))])
        text.family("auspex_processes", .gauge, "Processes in the process table.", [([], Double(status.processor.processCount))])
        text.family("auspex_rule_state_keys", .gauge, "Join keys with partial sequences or samples pending.",
                    [([], Double(status.processor.pendingKeys))])
        text.family("auspex_rule_state_evicted_total", .counter, "Partial sequences and samples evicted by the caps.",
                    [([], Double(max(0, status.processor.evicted)))])
        let sinks = status.sinks
        text.family("auspex_sink_alerts_total", .counter, "Alerts per sink, by outcome.", sinks.flatMap { sink in
            [("delivered", sink.counters.delivered), ("failed", sink.counters.failed), ("dropped", sink.counters.dropped),
             ("evicted", sink.counters.evicted)].map { ([("sink", sink.name), ("outcome", $0.0)], Double($0.1)) }
        })
        text.family("auspex_sink_healthy", .gauge, "1 while a sink has neither failed nor dropped an alert.", sinks.map {
            ([("sink", $0.name)], $0.counters.failed == 0 && $0.counters.dropped == 0 ? 1 : 0)
        })
        return text.lines.joined(separator: "\n") + "\n"
    }

    enum Kind: String { case counter, gauge }

    private mutating func family(_ name: String, _ kind: Kind, _ help: String, _ series: [([(String, String)], Double)]) {
        lines.append("# HELP \(name) \(help)")
        lines.append("# TYPE \(name) \(kind.rawValue)")
        for (labels, value) in series {
            let rendered = labels.isEmpty ? "" : "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
            lines.append(name + rendered + " " + Self.format(value))
        }
    }

    /// Label values escape backslash, double quote and line feed (the format's only escapes).
    static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// Integers without a fraction; counters above 2^53 lose precision as any Prometheus sample does.
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
