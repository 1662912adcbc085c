import EventModel

/// The JSON shape of an alert, written to the spool, to stdout and into journald's `AUSPEX_ALERT_JSON`.
///
/// ```
/// {
///   "@timestamp": "…Z",                      alert creation time (RFC 3339, UTC, microseconds)
///   "event": { "kind": "alert", "module": "auspex", "dataset": "auspex.alert", "id": "<alert id>",
///              "severity": 21|47|73|99,      low / medium / high / critical, as Elastic's External Alerts maps it
///              "risk_score": 47, "reason": "<reason line>",
///              "start": "…Z", "end": "…Z",   first / last matched event time
///              "category", "type", "action" of the first event },
///   "process", "user", "source", "destination", "file": entity fields of the first event that has them,
///   "message": "<rule name>",                the title (External Alerts' rule_name_override)
///   "rule": { "id", "uuid", "name", "description", "reference", "ruleset", "category", "author", "license",
///             "severity", "risk_score", "version"?, "tags": [] },
///   "threat": [ { "framework", "tactic": {id,name,reference}, "technique": [ {id,name,reference,subtechnique[]} ] } ],
///   "host": { …host.* of the events },
///   "kibana": { "alert": { "instance": {"id"}, "suppression": {"terms", "docs_count", "start", "end"} } }  when suppressed,
///   "auspex": { "alert": { "id", "reason", "join_keys": [], "event_count", "suppression"?, "truncated"? } },
///   …`fields` (extra top-level fields, e.g. the blind-spot alert's `auspex.loss.*`)
///   "events": [ {…ECS event…}, … ]           matched events in match order
/// }
/// ```
/// Keys appear in this order; absent optional parts (`version`, empty `threat`, empty `host`) are left out.
extension Alert {
    /// ECS fields of the first matched event copied to the top level, so the alert reads (and Kibana promotes it)
    /// like the event that raised it.
    static let entityFields = [
        "event.category", "event.type", "event.action",
        "process.pid", "process.name", "process.executable", "process.command_line", "process.entity_id",
        "process.parent.pid", "process.parent.name", "process.parent.executable",
        "user.id", "user.name", "source.ip", "source.port", "destination.ip", "destination.port", "file.path",
    ]

    var document: Document {
        var doc = Document()
        doc.append("@timestamp", .string(created.rfc3339))
        doc.append("event.kind", "alert")
        doc.append("event.module", "auspex")
        doc.append("event.dataset", "auspex.alert")
        doc.append("event.id", .string(id))
        doc.append("event.severity", .int(Int64(rule.severity.eventSeverity)))
        doc.append("event.risk_score", .int(Int64(rule.riskScore)))
        doc.append("event.reason", .string(reason))
        doc.append("event.start", .string(firstEventTime.rfc3339))
        doc.append("event.end", .string(lastEventTime.rfc3339))
        for name in Alert.entityFields {
            if let value = firstValue(of: name) { doc.append(name, value) }
        }
        doc.append("message", .string(rule.name))
        doc.append("rule.id", .string(rule.id))
        doc.append("rule.uuid", .string(rule.id))
        doc.append("rule.name", .string(rule.name))
        if !rule.description.isEmpty { doc.append("rule.description", .string(rule.description)) }
        if let reference = rule.references.first { doc.append("rule.reference", .string(reference)) }
        doc.append("rule.ruleset", .string(rule.ruleset))
        if let tactic = rule.threats.first?.tactic { doc.append("rule.category", .string(tactic.name)) }
        if !rule.author.isEmpty { doc.append("rule.author", .array(rule.author.map(FieldValue.string))) }
        if let license = rule.license { doc.append("rule.license", .string(license)) }
        doc.append("rule.severity", .string(rule.severity.rawValue))
        doc.append("rule.risk_score", .int(Int64(rule.riskScore)))
        if let version = rule.version { doc.append("rule.version", .int(Int64(version))) }
        doc.append("rule.tags", .array(rule.tags.map(FieldValue.string)))
        if !rule.threats.isEmpty { doc.append("threat", .array(rule.threats.map(\.fieldValue))) }
        for field in host.fields { doc.append("host." + field.name, field.value) }
        if let suppression {
            doc.append("kibana.alert.instance.id", .string(suppression.instanceID))
            doc.append("kibana.alert.suppression.terms", suppression.termsValue)
            doc.append("kibana.alert.suppression.docs_count", .int(Int64(suppression.docsCount)))
            doc.append("kibana.alert.suppression.start", .string(suppression.start.rfc3339))
            doc.append("kibana.alert.suppression.end", .string(suppression.end.rfc3339))
        }
        doc.append("auspex.alert.id", .string(id))
        doc.append("auspex.alert.reason", .string(reason))
        doc.append("auspex.alert.join_keys", .array(joinKeys))
        doc.append("auspex.alert.event_count", .int(Int64(events.count + eventsOmitted)))
        if let suppression {
            doc.append("auspex.alert.suppression.window_start", .string(suppression.windowStart.rfc3339))
            doc.append("auspex.alert.suppression.window_end", .string(suppression.windowEnd.rfc3339))
            if let first = suppression.summaryOf {
                doc.append("auspex.alert.suppression.summary_of", .string(first))
                doc.append("auspex.alert.suppression.suppressed_count", .int(Int64(suppression.docsCount)))
            }
        }
        if !truncations.isEmpty {
            doc.append("auspex.alert.truncated", .array(truncations.prefix(AlertLimits.maxTruncationEntries).map(\.fieldValue)))
            doc.append("auspex.alert.truncated_count", .int(Int64(truncations.count)))
        }
        if eventsOmitted > 0 { doc.append("auspex.alert.events_omitted", .int(Int64(eventsOmitted))) }
        for field in fields.fields { doc.append(field.name, field.value) }
        doc.append("events", .array(events.map(\.nested)))
        return doc
    }

    /// The document as one line of compact JSON (no trailing newline). Control characters are escaped,
    /// so the line never contains a raw newline.
    var json: String { JSONWriter.string(document) }

    /// The document as UTF-8 bytes followed by `\n`: one NDJSON record, one spool file.
    var jsonLine: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(max(1024, encodedBytes + 1))
        JSONWriter.write(document, to: &bytes)
        bytes.append(0x0A)
        return bytes
    }
}
