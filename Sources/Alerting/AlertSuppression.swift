import EventModel

/// A rule's `[rule.alert_suppression]` (detection-rules TOML), as Kibana applies it to EQL rules: alerts whose
/// `group_by` values are equal merge into the first one for `duration` after it was raised.
public struct AlertSuppression: Hashable, Sendable {
    /// What to do with an alert that lacks a `group_by` field.
    public enum MissingFields: String, Hashable, Sendable, CaseIterable {
        /// Group alerts lacking a field together under `null` (Kibana's default).
        case suppress
        /// Raise each such alert on its own, unsuppressed.
        case doNotSuppress
    }

    /// 1–3 ECS field names; the key is their values, in this order.
    var groupBy: [String]
    /// The window from the first alert of a group, in nanoseconds.
    var durationNanos: Int64
    var missingFields: MissingFields

    public init(groupBy: [String], durationNanos: Int64, missingFields: MissingFields = .suppress) {
        self.groupBy = groupBy
        self.durationNanos = max(durationNanos, 1)
        self.missingFields = missingFields
    }
}

extension Alert {
    /// Where an alert stands in its suppression group: the first alert of a group carries the terms and
    /// `docs_count` 0; the summary record raised when the window closes carries the count of the alerts merged
    /// into it and the window (fields as Kibana names them: `kibana.alert.suppression.*`).
    struct Suppression: Hashable, Sendable {
        /// The group key, one `(field, value)` per `group_by` field (`null` for a missing one).
        var terms: [(field: String, value: FieldValue)]
        /// Hash of rule id and terms (Kibana's `kibana.alert.instance.id`).
        var instanceID: String
        /// Alerts merged into the first one (events beyond the first, in Kibana's words).
        var docsCount: Int
        /// Earliest and latest matched-event time of the group.
        var start: AlertTime
        var end: AlertTime
        /// The window: opened by the first alert, `duration` long.
        var windowStart: AlertTime
        var windowEnd: AlertTime
        /// For a summary: the id of the group's first alert.
        var summaryOf: String?

        init(terms: [(field: String, value: FieldValue)], instanceID: String, docsCount: Int, start: AlertTime,
                    end: AlertTime, windowStart: AlertTime, windowEnd: AlertTime, summaryOf: String? = nil)
        {
            self.terms = terms
            self.instanceID = instanceID
            self.docsCount = docsCount
            self.start = start
            self.end = end
            self.windowStart = windowStart
            self.windowEnd = windowEnd
            self.summaryOf = summaryOf
        }

        static func == (lhs: Suppression, rhs: Suppression) -> Bool {
            lhs.instanceID == rhs.instanceID && lhs.docsCount == rhs.docsCount && lhs.start == rhs.start
                && lhs.end == rhs.end && lhs.windowStart == rhs.windowStart && lhs.windowEnd == rhs.windowEnd
                && lhs.summaryOf == rhs.summaryOf && lhs.terms.map(\.field) == rhs.terms.map(\.field)
                && lhs.terms.map(\.value) == rhs.terms.map(\.value)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(instanceID)
            hasher.combine(docsCount)
            hasher.combine(summaryOf)
        }

        /// `kibana.alert.suppression.terms`: `[{field, value}]`.
        var termsValue: FieldValue {
            .array(terms.map { .object([.init("field", .string($0.field)), .init("value", $0.value)]) })
        }
    }

    /// Whether this record is a suppression summary rather than a detection.
    var isSuppressionSummary: Bool { suppression?.summaryOf != nil }
}
