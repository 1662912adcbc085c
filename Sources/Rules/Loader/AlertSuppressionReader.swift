import Alerting

/// Reads `[rule.alert_suppression]` as detection-rules defines it: `group_by` (an array of one to three field
/// names), optional `missing_fields_strategy` (`suppress`, the default, or `doNotSuppress`) and an optional
/// `[rule.alert_suppression.duration]` table with an integer `value` of at least 1 and a `unit` of `s`, `m` or `h`.
enum AlertSuppressionReader {
    static func read(_ rule: TOMLTable, intervalSeconds: Int, reader: inout TOMLFieldReader) -> AlertSuppression? {
        guard rule["alert_suppression"] != nil,
              let table = reader.table(rule, "alert_suppression", in: "rule") else { return nil }
        let path = "rule.alert_suppression"
        let known = ["group_by", "duration", "missing_fields_strategy"]
        for key in table.keys where !known.contains(key) {
            reader.error(at: path + "." + key, "unknown key '\(key)' in [\(path)] (expected group_by, duration, missing_fields_strategy)")
        }
        let groupBy = reader.strings(table, "group_by", in: path, required: true)
        var valid = groupBy != nil
        if let groupBy {
            if !(1...3).contains(groupBy.count) {
                reader.error(at: path + ".group_by", "'\(path).group_by' must list 1 to 3 fields, found \(groupBy.count)")
                valid = false
            }
            if groupBy.contains(where: { $0.trimmingSpaces.isEmpty }) {
                reader.error(at: path + ".group_by", "'\(path).group_by' must not contain an empty field name")
                valid = false
            }
        }
        var missing = AlertSuppression.MissingFields.suppress
        if let strategy = reader.string(table, "missing_fields_strategy", in: path) {
            if let parsed = AlertSuppression.MissingFields(rawValue: strategy) {
                missing = parsed
            } else {
                reader.error(at: path + ".missing_fields_strategy",
                             "'\(path).missing_fields_strategy' must be \"suppress\" or \"doNotSuppress\", found \"\(strategy)\"")
                valid = false
            }
        }
        var seconds = intervalSeconds
        if table["duration"] != nil, let duration = reader.table(table, "duration", in: path) {
            let durationPath = path + ".duration"
            let value = reader.int(duration, "value", in: durationPath, required: true)
            let unit = reader.string(duration, "unit", in: durationPath, required: true)
            let scale: Int?
            switch unit {
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: scale = nil
            }
            if let unit, scale == nil {
                reader.error(at: durationPath + ".unit", "'\(durationPath).unit' must be \"s\", \"m\" or \"h\", found \"\(unit)\"")
            }
            if let value, value < 1 {
                reader.error(at: durationPath + ".value", "'\(durationPath).value' must be at least 1, found \(value)")
            }
            if let value, let scale, value >= 1, value <= RuleDefaults.maximumLookbackSeconds / scale {
                seconds = value * scale
            } else {
                valid = false
            }
        }
        guard valid, let groupBy else { return nil }
        return AlertSuppression(groupBy: groupBy, durationNanos: Int64(seconds) * 1_000_000_000, missingFields: missing)
    }
}
