import EventModel

/// The JSON shape of an alert, written to the spool, to stdout and into journald's `AUSPEX_ALERT_JSON`.
///
/// ```
/// {
///   "@timestamp": "…Z",                      alert creation time (RFC 3339, UTC, microseconds)
///   "event": { "kind": "alert",
///              "start": "…Z", "end": "…Z",   first / last matched event time
///              "risk_score": 47 },
///   "message": "<reason line>",
///   "rule": { "id", "name", "severity", "risk_score", "version"?, "tags": [] },
///   "threat": [ { "framework", "tactic": {id,name,reference}, "technique": [ {id,name,reference,subtechnique[]} ] } ],
///   "host": { …host.* of the events },
///   "auspex": { "alert": { "id", "reason", "join_keys": [], "event_count" } },
///   …`fields` (extra top-level fields, e.g. the blind-spot alert's `auspex.loss.*`)
///   "events": [ {…ECS event…}, … ]           matched events in match order
/// }
/// ```
/// Keys appear in this order; absent optional parts (`version`, empty `threat`, empty `host`) are left out.
extension Alert {
    public var document: Document {
        var doc = Document()
        doc.append("@timestamp", .string(created.rfc3339))
        doc.append("event.kind", "alert")
        doc.append("event.start", .string(firstEventTime.rfc3339))
        doc.append("event.end", .string(lastEventTime.rfc3339))
        doc.append("event.risk_score", .int(Int64(rule.riskScore)))
        doc.append("message", .string(reason))
        doc.append("rule.id", .string(rule.id))
        doc.append("rule.name", .string(rule.name))
        doc.append("rule.severity", .string(rule.severity.rawValue))
        doc.append("rule.risk_score", .int(Int64(rule.riskScore)))
        if let version = rule.version { doc.append("rule.version", .int(Int64(version))) }
        doc.append("rule.tags", .array(rule.tags.map(FieldValue.string)))
        if !rule.threats.isEmpty { doc.append("threat", .array(rule.threats.map(\.fieldValue))) }
        for field in host.fields { doc.append("host." + field.name, field.value) }
        doc.append("auspex.alert.id", .string(id))
        doc.append("auspex.alert.reason", .string(reason))
        doc.append("auspex.alert.join_keys", .array(joinKeys))
        doc.append("auspex.alert.event_count", .int(Int64(events.count)))
        for field in fields.fields { doc.append(field.name, field.value) }
        doc.append("events", .array(events.map(\.nested)))
        return doc
    }

    /// The document as one line of compact JSON (no trailing newline). Control characters are escaped,
    /// so the line never contains a raw newline.
    public var json: String { JSONWriter.string(document) }

    /// The document as UTF-8 bytes followed by `\n`: one NDJSON record, one spool file.
    var jsonLine: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        JSONWriter.write(document, to: &bytes)
        bytes.append(0x0A)
        return bytes
    }
}
