/// TOML's non-string scalars read from the cursor: booleans, integers (decimal with `_` between digits, `0x`/`0o`/
/// `0b`, 64-bit, overflow is an error), floats (fraction, exponent, `inf`, `nan`) and RFC 3339 dates, times and
/// date-times. Errors point at the value's first character.
extension TOMLCursor {
    mutating func readScalar() throws(TOMLSyntaxError) -> TOMLValue {
        let startIndex = index
        let start = here()
        if startsDateOrTime() {
            return .dateTime(try readDateTime(start: start))
        }
        // The token: everything up to a character that can follow a value.
        var end = index
        while end < bytes.count, TOMLCursor.isScalarByte(bytes[end]) { end += 1 }
        let token = Array(bytes[startIndex..<end])
        guard !token.isEmpty else { throw error("expected a value, found \(describeNext())") }
        guard let value = TOMLCursor.scalar(token) else {
            throw TOMLSyntaxError(location: start, message: "invalid value '\(String(decoding: token, as: UTF8.self))'")
        }
        index = end
        return value
    }

    private static func isScalarByte(_ byte: UInt8) -> Bool {
        isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
    }

    private static func scalar(_ token: [UInt8]) -> TOMLValue? {
        switch token {
        case Array("true".utf8): return .boolean(true)
        case Array("false".utf8): return .boolean(false)
        default: break
        }
        var digits = token[...]
        var negative = false
        if let sign = digits.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        switch Array(digits) {
        case Array("inf".utf8): return .float(negative ? -.infinity : .infinity)
        case Array("nan".utf8): return .float(negative ? -.nan : .nan)
        default: break
        }
        if digits.count > 2, digits.first == UInt8(ascii: "0"), token.first == UInt8(ascii: "0") {
            let radix: UInt64
            switch digits[digits.startIndex + 1] {
            case UInt8(ascii: "x"): radix = 16
            case UInt8(ascii: "o"): radix = 8
            case UInt8(ascii: "b"): radix = 2
            default: radix = 0
            }
            if radix != 0 {
                guard let magnitude = unsigned(digits.dropFirst(2), radix: radix), magnitude <= UInt64(Int.max) else { return nil }
                return .integer(Int(magnitude))
            }
        }
        if let integer = decimalInteger(digits, negative: negative) { return .integer(integer) }
        return float(digits, negative: negative)
    }

    /// Digits of `radix` with single underscores between them, as an unsigned value; nil on overflow.
    private static func unsigned(_ digits: ArraySlice<UInt8>, radix: UInt64) -> UInt64? {
        guard let first = digits.first, first != UInt8(ascii: "_"), digits.last != UInt8(ascii: "_") else { return nil }
        var value: UInt64 = 0
        var previousUnderscore = false
        for byte in digits {
            if byte == UInt8(ascii: "_") {
                if previousUnderscore { return nil }
                previousUnderscore = true
                continue
            }
            previousUnderscore = false
            guard let digit = hexDigit(byte), UInt64(digit) < radix else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
            let (sum, carry) = shifted.addingReportingOverflow(UInt64(digit))
            if overflow || carry { return nil }
            value = sum
        }
        return value
    }

    private static func decimalInteger(_ digits: ArraySlice<UInt8>, negative: Bool) -> Int? {
        guard digits.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: "_") }) else { return nil }
        guard hasNoLeadingZero(digits), let magnitude = unsigned(digits, radix: 10) else { return nil }
        if negative { return magnitude <= UInt64(Int.max) + 1 ? Int(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int.max) ? Int(magnitude) : nil
    }

    private static func hasNoLeadingZero(_ digits: ArraySlice<UInt8>) -> Bool {
        !(digits.count > 1 && digits.first == UInt8(ascii: "0"))
    }

    /// `int-part [. digits] [e [sign] digits]` with at least a fraction or an exponent.
    private static func float(_ digits: ArraySlice<UInt8>, negative: Bool) -> TOMLValue? {
        let exponentAt = digits.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = digits[..<(exponentAt ?? digits.endIndex)]
        let dot = mantissa.firstIndex(of: UInt8(ascii: "."))
        let integerPart = mantissa[..<(dot ?? mantissa.endIndex)]
        guard decimalDigits(integerPart), hasNoLeadingZero(integerPart) else { return nil }
        if let dot, !decimalDigits(mantissa[(dot + 1)...]) { return nil }
        if let exponentAt {
            var exponent = digits[(exponentAt + 1)...]
            if let sign = exponent.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { exponent = exponent.dropFirst() }
            guard decimalDigits(exponent) else { return nil }
        } else if dot == nil {
            return nil
        }
        let text = String(decoding: digits.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        guard let value = Double(text) else { return nil }
        return .float(negative ? -value : value)
    }

    /// One or more decimal digits with single underscores between them.
    private static func decimalDigits(_ digits: ArraySlice<UInt8>) -> Bool {
        guard let first = digits.first, isDigit(first), isDigit(digits.last) else { return false }
        var previousUnderscore = false
        for byte in digits {
            if byte == UInt8(ascii: "_") {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else if isDigit(byte) {
                previousUnderscore = false
            } else {
                return false
            }
        }
        return true
    }

    // MARK: Dates and times

    /// `dddd-` starts a date, `dd:` a time.
    private func startsDateOrTime() -> Bool {
        let digits4 = (0..<4).allSatisfy { TOMLCursor.isDigit(peek($0)) }
        if digits4 && peek(4) == UInt8(ascii: "-") { return true }
        return TOMLCursor.isDigit(peek()) && TOMLCursor.isDigit(peek(1)) && peek(2) == UInt8(ascii: ":")
    }

    private mutating func readDateTime(start: SourceLocation) throws(TOMLSyntaxError) -> TOMLDateTime {
        let startIndex = index
        func fail(_ message: String) -> TOMLSyntaxError { TOMLSyntaxError(location: start, message: message) }
        if peek(2) == UInt8(ascii: ":") {
            guard readTime() else { throw fail("invalid time") }
            return TOMLDateTime(kind: .localTime, text: String(decoding: bytes[startIndex..<index], as: UTF8.self))
        }
        guard readDate() else { throw fail("invalid date") }
        let separator = peek()
        let hasTime = separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t")
            || (separator == UInt8(ascii: " ") && TOMLCursor.isDigit(peek(1)))
        guard hasTime else {
            return TOMLDateTime(kind: .localDate, text: String(decoding: bytes[startIndex..<index], as: UTF8.self))
        }
        index += 1
        guard readTime() else { throw fail("invalid date-time: expected a time after the date's 'T'") }
        var kind = TOMLDateTime.Kind.localDateTime
        if peek() == UInt8(ascii: "Z") || peek() == UInt8(ascii: "z") {
            index += 1
            kind = .offsetDateTime
        } else if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") {
            index += 1
            guard let hours = twoDigits(), hours <= 23, peek() == UInt8(ascii: ":"), skipByte(),
                  let minutes = twoDigits(), minutes <= 59 else { throw fail("invalid date-time offset") }
            kind = .offsetDateTime
        }
        return TOMLDateTime(kind: kind, text: String(decoding: bytes[startIndex..<index], as: UTF8.self))
    }

    private mutating func skipByte() -> Bool {
        index += 1
        return true
    }

    private mutating func twoDigits() -> Int? {
        guard TOMLCursor.isDigit(peek()), TOMLCursor.isDigit(peek(1)) else { return nil }
        let value = Int(bytes[index] - 0x30) * 10 + Int(bytes[index + 1] - 0x30)
        index += 2
        return value
    }

    /// `YYYY-MM-DD` with a real day of that month.
    private mutating func readDate() -> Bool {
        guard let century = twoDigits(), let yearInCentury = twoDigits(), peek() == UInt8(ascii: "-"), skipByte(),
              let month = twoDigits(), peek() == UInt8(ascii: "-"), skipByte(), let day = twoDigits() else { return false }
        let year = century * 100 + yearInCentury
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...12).contains(month) && (1...days[month - 1]).contains(day)
    }

    /// `HH:MM:SS[.fraction]` (seconds up to 60, a leap second, as RFC 3339 allows).
    private mutating func readTime() -> Bool {
        guard let hours = twoDigits(), hours <= 23, peek() == UInt8(ascii: ":"), skipByte(),
              let minutes = twoDigits(), minutes <= 59, peek() == UInt8(ascii: ":"), skipByte(),
              let seconds = twoDigits(), seconds <= 60 else { return false }
        if peek() == UInt8(ascii: ".") {
            guard TOMLCursor.isDigit(peek(1)) else { return false }
            index += 1
            while TOMLCursor.isDigit(peek()) { index += 1 }
        }
        return true
    }
}
