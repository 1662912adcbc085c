import EventModel

/// How a timestamp field is encoded in JSON events.
enum TimestampEncoding: Sendable, Equatable {
    /// Epoch milliseconds (number or digit string) or an ISO-8601 string — what Elasticsearch accepts for a date.
    case millisOrISO
    /// Windows FILETIME (100 ns ticks since 1601), as in the Endgame data.
    case fileTime
    /// Nanoseconds since the epoch (a `date_nanos` field given as a number).
    case nanoseconds

    /// The instant in nanoseconds since the epoch, or nil when the value is not a time.
    func nanos(_ value: FieldValue) -> Int64? {
        switch self {
        case .millisOrISO:
            switch value {
            case .int(let ms): return ms.multipliedReportingOverflow(by: 1_000_000).overflow ? nil : ms * 1_000_000
            case .double(let ms): return ms.isFinite && abs(ms) < 9e12 ? Int64((ms * 1_000_000).rounded()) : nil
            case .string(let text):
                if let ms = Int64(text) { return TimestampEncoding.millisOrISO.nanos(.int(ms)) }
                return ISO8601.nanos(text)
            default: return nil
            }
        case .fileTime:
            guard let ticks = value.intValue ?? value.stringValue.flatMap({ Int64($0) }) else { return nil }
            let (nanos, overflow) = (ticks / 10_000 - 11_644_473_600_000).multipliedReportingOverflow(by: 1_000_000)
            return overflow ? nil : nanos
        case .nanoseconds:
            return value.intValue ?? value.stringValue.flatMap { Int64($0) }
        }
    }
}

/// A small ISO-8601 parser: `YYYY-MM-DD[THH:MM[:SS[.fraction]]][Z|±HH[:]MM]`; no zone means UTC.
enum ISO8601 {
    static func nanos(_ text: String) -> Int64? {
        var bytes = Array(text.utf8)[...]
        func number(_ digits: Int) -> Int64? {
            guard bytes.count >= digits else { return nil }
            var value: Int64 = 0
            for _ in 0..<digits {
                let b = bytes.first!
                guard b >= 48 && b <= 57 else { return nil }
                value = value * 10 + Int64(b - 48)
                bytes = bytes.dropFirst()
            }
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard bytes.first == byte else { return false }
            bytes = bytes.dropFirst()
            return true
        }
        guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2), expect(UInt8(ascii: "-")),
              let day = number(2), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var seconds: Int64 = 0, fraction: Int64 = 0, offset: Int64 = 0
        if expect(UInt8(ascii: "T")) || expect(UInt8(ascii: " ")) {
            guard let hour = number(2), expect(UInt8(ascii: ":")), let minute = number(2) else { return nil }
            seconds = hour * 3600 + minute * 60
            if expect(UInt8(ascii: ":")) {
                guard let second = number(2) else { return nil }
                seconds += second
                if expect(UInt8(ascii: ".")) || expect(UInt8(ascii: ",")) {
                    var scale: Int64 = 100_000_000
                    while let b = bytes.first, b >= 48 && b <= 57 {
                        fraction += Int64(b - 48) * scale
                        scale /= 10
                        bytes = bytes.dropFirst()
                    }
                }
            }
            if expect(UInt8(ascii: "Z")) {
            } else if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                bytes = bytes.dropFirst()
                guard let hours = number(2) else { return nil }
                _ = expect(UInt8(ascii: ":"))
                let minutes = number(2) ?? 0
                offset = (hours * 3600 + minutes * 60) * (sign == UInt8(ascii: "+") ? 1 : -1)
            }
        }
        guard bytes.isEmpty else { return nil }
        return UTCTime.nanosecondsSinceEpoch(year: year, month: month, day: day, seconds: seconds - offset,
                                             nanoseconds: fraction)
    }
}
