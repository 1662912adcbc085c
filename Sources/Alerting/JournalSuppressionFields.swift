extension JournalEntry {
    /// Suppression fields: every suppressed-group alert carries its group id (`AUSPEX_SUPPRESSION_ID`, Kibana's
    /// instance id); a summary record also the count of suppressed alerts, their first and last event time, the
    /// window, and the id of the group's first alert.
    static func addSuppressionFields(of alert: Alert, _ add: (String, String) -> Void) {
        guard let suppression = alert.suppression else { return }
        add("AUSPEX_SUPPRESSION_ID", suppression.instanceID)
        guard let first = suppression.summaryOf else { return }
        add("AUSPEX_SUPPRESSED_COUNT", String(suppression.docsCount))
        add("AUSPEX_SUPPRESSION_START", suppression.start.rfc3339)
        add("AUSPEX_SUPPRESSION_END", suppression.end.rfc3339)
        add("AUSPEX_SUPPRESSION_WINDOW_START", suppression.windowStart.rfc3339)
        add("AUSPEX_SUPPRESSION_WINDOW_END", suppression.windowEnd.rfc3339)
        add("AUSPEX_SUPPRESSION_SUMMARY_OF", first)
    }
}
