import Alerting

extension AuspexConfig {
    /// Alert bounds, suppression and rate limits from `[alerts]`.
    public var alertPolicy: AlertPolicy {
        var policy = AlertPolicy()
        policy.limits = AlertLimits(maxAlertBytes: alerts.maxAlertBytes, maxFieldBytes: alerts.maxFieldBytes,
                                    maxArrayElements: alerts.maxArrayElements)
        policy.suppressDuplicates = alerts.suppressDuplicates
        policy.duplicateWindowNanos = Int64(alerts.suppressDuplicatesSeconds) * 1_000_000_000
        policy.maxGroups = alerts.maxSuppressionGroups
        policy.ratePerMinute = alerts.rateLimitPerMinute
        policy.rateBurst = alerts.rateLimitBurst
        return policy
    }
}
