import EventModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in time as nanoseconds since the Unix epoch (UTC), written as RFC 3339 with microseconds.
///
/// Alerts carry three times: when the first and last matched events happened (audit header time, taken from
/// the events' `@timestamp`) and when the alert was created.
public struct AlertTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanosecondsSinceEpoch: Int64

    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    init(seconds: Int64, nanoseconds: Int64 = 0) {
        self.nanosecondsSinceEpoch = seconds &* 1_000_000_000 &+ nanoseconds
    }

    /// The wall clock now (CLOCK_REALTIME).
    public static func now() -> AlertTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return AlertTime(seconds: Int64(ts.tv_sec), nanoseconds: Int64(ts.tv_nsec))
    }

    public static func < (lhs: AlertTime, rhs: AlertTime) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    var seconds: Int64 { UTCTime.split(nanosecondsSinceEpoch).seconds }
    var subsecondNanoseconds: Int64 { UTCTime.split(nanosecondsSinceEpoch).nanoseconds }

    /// `2023-11-14T22:13:20.100000Z`.
    public var rfc3339: String { UTCTime.format(nanosecondsSinceEpoch: nanosecondsSinceEpoch, fractionDigits: 6) }

    public var description: String { rfc3339 }

    /// Parses RFC 3339 timestamps as event producers write them: `2023-11-14T22:13:20.1Z`,
    /// `…20.123456789+02:00`, `…20Z`. Returns nil for anything else.
    init?(rfc3339 text: String) {
        guard let nanoseconds = UTCTime.parseRFC3339(text) else { return nil }
        self.init(nanosecondsSinceEpoch: nanoseconds)
    }
}
