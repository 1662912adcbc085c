/// Kibana's time expressions as detection rules use them: `from = "now-9m"` and `interval = "5m"`.
enum RuleDuration {
    /// Seconds in a `<count><unit>` span, units `s`, `m`, `h`, `d`, `w`; nil when malformed or zero.
    static func seconds(ofSpan text: String) -> Int? {
        guard let unit = text.last, let count = Int(text.dropLast()), count > 0 else { return nil }
        let scale: Int
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86_400
        case "w": scale = 604_800
        default: return nil
        }
        let (product, overflow) = count.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }

    /// Seconds of lookback in a `now-<span>` date-math expression (`now-9m` → 540); nil when it is not of that form.
    /// A rounding suffix (`now-9m/m`) is not used by any Linux rule and is rejected rather than guessed.
    static func lookbackSeconds(ofFrom text: String) -> Int? {
        guard text.hasPrefix("now-") else { return nil }
        return seconds(ofSpan: String(text.dropFirst(4)))
    }
}
