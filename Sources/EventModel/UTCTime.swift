/// Times as nanoseconds since the Unix epoch, written and read as RFC 3339 UTC text: the `@timestamp` of event
/// documents (milliseconds), alert times (microseconds), ISO-8601 times in JSON events. Pure integer arithmetic on
/// the proleptic Gregorian calendar (H. Hinnant's civil-date algorithms): no calendar objects, no locale.
public enum UTCTime {
    /// `2023-11-14T22:13:20.100Z` with `fractionDigits` (0…9) digits after the second, truncated, not rounded.
    /// Times outside years 0001–9999 (only forged records have them) are clamped to that range, all RFC 3339 can
    /// express.
    public static func format(nanosecondsSinceEpoch: Int64, fractionDigits: Int) -> String {
        let (seconds, nanoseconds) = split(nanosecondsSinceEpoch)
        return format(seconds: seconds, nanoseconds: nanoseconds, fractionDigits: fractionDigits)
    }

    /// The same from whole `seconds` since the epoch (any Int64: clamped first) and `nanoseconds` into the second
    /// (clamped to 0…999 999 999), as audit record headers give them.
    public static func format(seconds: Int64, nanoseconds: Int64, fractionDigits: Int) -> String {
        let seconds = min(max(seconds, -62_135_596_800), 253_402_300_799)
        let nanoseconds = min(max(nanoseconds, 0), 999_999_999)
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let digits = min(max(fractionDigits, 0), 9)
        // Written in place into the string's own storage (once per event in the normalizer: no array, no copy).
        return String(unsafeUninitializedCapacity: 32) { buffer in
            var out = FixedWriter(buffer: buffer)
            out.padded(year, width: 4, then: "-")
            out.padded(month, width: 2, then: "-")
            out.padded(day, width: 2, then: "T")
            out.padded(secondOfDay / 3600, width: 2, then: ":")
            out.padded(secondOfDay / 60 % 60, width: 2, then: ":")
            out.padded(secondOfDay % 60, width: 2, then: nil)
            if digits > 0 {
                var scale: Int64 = 1
                for _ in digits..<9 { scale *= 10 }
                out.append(UInt8(ascii: "."))
                out.padded(nanoseconds / scale, width: digits, then: nil)
            }
            out.append(UInt8(ascii: "Z"))
            return out.count
        }
    }

    /// Appends into a buffer known to be large enough (a year is clamped to four digits, a fraction to nine).
    private struct FixedWriter {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var count = 0

        mutating func append(_ byte: UInt8) {
            buffer[count] = byte
            count += 1
        }

        /// `value` in at least `width` digits, zero-padded: written right to left by constant divisions (a loop
        /// over a variable scale divided twice per digit).
        mutating func padded(_ value: Int64, width: Int, then separator: Unicode.Scalar?) {
            var magnitude = value.magnitude
            var digits = 1
            var rest = magnitude / 10
            while rest > 0 { digits += 1; rest /= 10 }
            let length = max(width, digits)
            var index = count + length - 1
            while index >= count {
                buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                index -= 1
            }
            count += length
            if let separator { append(UInt8(ascii: separator)) }
        }
    }

    /// Parses RFC 3339 as event producers write it: `2023-11-14T22:13:20.1Z`, `…20.123456789+02:00`, `…20Z`
    /// (a space for the `T`; fractions beyond nanoseconds are cut). Nil for anything else: a date alone, a day the
    /// month does not have, a time outside what nanoseconds since the epoch can hold in Int64 (1678–2261).
    public static func parseRFC3339(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= b.count else { return nil }
            var value: Int64 = 0
            for i in range {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int64(b[i] - 0x30)
            }
            return value
        }
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: " "),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var nanos: Int64 = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
                if digits < 9 { nanos = nanos * 10 + Int64(b[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 9) { nanos *= 10 }
        }
        var offsetSeconds: Int64 = 0
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard i + 6 == b.count, b[i + 3] == UInt8(ascii: ":"),
                  let hours = number(i + 1..<i + 3), let minutes = number(i + 4..<i + 6) else { return nil }
            offsetSeconds = (hours * 3600 + minutes * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count, day <= daysInMonth(year: year, month: month) else { return nil }
        return nanosecondsSinceEpoch(year: year, month: month, day: day,
                                     seconds: hour * 3600 + minute * 60 + second - offsetSeconds, nanoseconds: nanos)
    }

    /// Nanoseconds since the epoch of `seconds` (any sign: a zone offset is already taken off) plus `nanoseconds`
    /// into the UTC day `year-month-day`; nil outside what Int64 holds (years 1678–2261), never a trap.
    public static func nanosecondsSinceEpoch(year: Int64, month: Int64, day: Int64, seconds: Int64,
                                             nanoseconds: Int64) -> Int64? {
        let (scaled, overflow) = (daysSinceEpoch(year: year, month: month, day: day) * 86_400 + seconds)
            .multipliedReportingOverflow(by: 1_000_000_000)
        let (total, carry) = scaled.addingReportingOverflow(nanoseconds)
        return overflow || carry ? nil : total
    }

    /// Whole seconds since the epoch (rounded down) and the nanoseconds into that second (0…999 999 999).
    public static func split(_ nanosecondsSinceEpoch: Int64) -> (seconds: Int64, nanoseconds: Int64) {
        let remainder = nanosecondsSinceEpoch % 1_000_000_000
        return (floorDivide(nanosecondsSinceEpoch, 1_000_000_000),
                remainder < 0 ? remainder + 1_000_000_000 : remainder)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (`days_from_civil`).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// 28–31: the days of `month` (1–12) in the proleptic Gregorian `year`.
    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 → (year, month, day) (`civil_from_days`).
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Division rounding toward negative infinity (b > 0), without overflow at Int64.min.
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : (a + 1) / b - 1
    }
}
