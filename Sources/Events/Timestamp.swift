/// Formats audit times as the `@timestamp` strings Elasticsearch stores: RFC 3339 UTC with milliseconds,
/// `2023-11-14T22:13:20.100Z`. Pure integer arithmetic, no calendar objects, no locale.
enum TimestampFormatter {
    /// `seconds` since the Unix epoch plus `milliseconds` (0…999; larger values are clamped).
    /// Seconds outside years 0001–9999 (only forged records have them) are clamped to that range, which is all
    /// RFC 3339 can express.
    static func format(seconds: Int64, milliseconds: Int) -> String {
        let seconds = min(max(seconds, -62_135_596_800), 253_402_300_799)
        let days = floorDivide(seconds, 86_400)
        let secondsOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        var out = [UInt8]()
        out.reserveCapacity(24)
        appendPadded(&out, year, width: 4)
        out.append(UInt8(ascii: "-"))
        appendPadded(&out, Int64(month), width: 2)
        out.append(UInt8(ascii: "-"))
        appendPadded(&out, Int64(day), width: 2)
        out.append(UInt8(ascii: "T"))
        appendPadded(&out, Int64(secondsOfDay / 3600), width: 2)
        out.append(UInt8(ascii: ":"))
        appendPadded(&out, Int64(secondsOfDay / 60 % 60), width: 2)
        out.append(UInt8(ascii: ":"))
        appendPadded(&out, Int64(secondsOfDay % 60), width: 2)
        out.append(UInt8(ascii: "."))
        appendPadded(&out, Int64(min(max(milliseconds, 0), 999)), width: 3)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Division rounding toward negative infinity (b > 0), without overflow at Int64.min.
    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a + 1) / b - 1
    }

    /// Days since 1970-01-01 → proleptic Gregorian (year, month, day) (H. Hinnant's `civil_from_days`).
    private static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int, Int) {
        let z = daysSinceEpoch + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Appends `value` in decimal, left-padded with zeros to `width` digits (no intermediate allocation).
    private static func appendPadded(_ out: inout [UInt8], _ value: Int64, width: Int) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        var digits = 1
        var scale: UInt64 = 1
        while magnitude / scale >= 10 { scale *= 10; digits += 1 }
        for _ in digits..<max(width, digits) { out.append(UInt8(ascii: "0")) }
        while scale > 0 {
            out.append(UInt8(ascii: "0") + UInt8(magnitude / scale % 10))
            scale /= 10
        }
    }
}
