/// Splits the body of a record into `key=value` fields.
///
/// Values are bare (up to the next space), `"double quoted"` (the kernel never escapes inside quotes: a string
/// containing a quote is hex-encoded instead) or `'single quoted'` (user-space `msg='…'`, whose content is itself
/// `key=value` pairs and is tokenized again). Words without `=` (`avc:  denied  { read }  for`, old-style `user`)
/// are skipped, except that the old LOGIN form `old auid=… new ses=…` keeps its prefix: the key is `old auid`
/// (looked up as `old_auid`, like go-libaudit's rename). Inside `msg='…'`, the old PAM form
/// `exe="/usr/sbin/crond" (hostname=?, addr=?, terminal=cron res=success)` loses its parenthesis and commas.
/// An unterminated quote takes the rest of the body.
enum FieldTokenizer {
    private static let space = UInt8(ascii: " ")
    private static let equals = UInt8(ascii: "=")

    static func tokenize(_ bytes: [UInt8], in range: Range<Int>, into fields: inout [AuditField]) {
        bytes.withUnsafeBufferPointer { buffer in
            // A field takes at least two bytes (`k=` and a separator), so this many always suffice: tokenizing
            // into scratch space and copying once sizes the array exactly, with no counting pass over the record.
            withUnsafeTemporaryAllocation(of: AuditField.self, capacity: range.count / 2 + 1) { scratch in
                var sink = Sink(storage: scratch)
                tokenize(buffer, range, nested: false, &sink)
                fields.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[..<sink.count]))
            }
        }
    }

    /// Fields found so far, in caller-provided storage.
    private struct Sink {
        let storage: UnsafeMutableBufferPointer<AuditField>
        var count = 0

        mutating func append(_ field: AuditField) {
            guard count < storage.count else { return }  // unreachable by the two-byte bound; never overrun
            (storage.baseAddress! + count).initialize(to: field)
            count += 1
        }
    }

    private static func tokenize(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, nested: Bool,
                                 _ fields: inout Sink) {
        var position = range.lowerBound
        let end = range.upperBound
        var prefixStart: Int?
        while position < end {
            while position < end, b[position] == space { position += 1 }
            guard position < end else { return }

            let wordStart = position
            position = ByteSearch.scan(b, from: position, to: end, until: equals, orUntil: space)
            guard position < end, b[position] == equals, position > wordStart else {
                // A bare word, or `=` with no key: skip to the next space.
                position = ByteSearch.scan(b, from: position, to: end, until: space)
                let isPrefix = matches(b, wordStart..<position, "old") || matches(b, wordStart..<position, "new")
                prefixStart = isPrefix && position + 1 < end && b[position + 1] != space ? wordStart : nil
                continue
            }
            var keyStart = wordStart
            if nested, b[keyStart] == UInt8(ascii: "("), keyStart + 1 < position { keyStart += 1 }
            if let start = prefixStart, matches(b, wordStart..<position, "auid") || matches(b, wordStart..<position, "ses") {
                keyStart = start
            }
            prefixStart = nil
            let keyEnd = position
            position += 1

            let quote: UInt8? = position < end && (b[position] == UInt8(ascii: "\"") || b[position] == UInt8(ascii: "'"))
                ? b[position] : nil
            if let quote {
                let valueStart = position + 1
                let valueEnd = ByteSearch.scan(b, from: valueStart, to: end, until: quote)
                let quoting: AuditQuoting = quote == UInt8(ascii: "'") ? .single : .double
                fields.append(AuditField(keyRange: keyStart..<keyEnd, valueRange: valueStart..<valueEnd, quoting: quoting))
                if quoting == .single, valueStart < valueEnd {
                    tokenize(b, valueStart..<valueEnd, nested: true, &fields)
                }
                position = min(valueEnd + 1, end)
            } else {
                let valueStart = position
                position = ByteSearch.scan(b, from: position, to: end, until: space)
                var valueEnd = position
                if nested { valueEnd = trimmedPAMValueEnd(b, valueStart..<valueEnd) }
                fields.append(AuditField(keyRange: keyStart..<keyEnd, valueRange: valueStart..<valueEnd, quoting: .none))
            }
        }
    }

    /// `?,` → `?` and `success)` → `success`; `(none)` keeps its parentheses.
    private static func trimmedPAMValueEnd(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var end = range.upperBound
        if end > range.lowerBound, b[end - 1] == UInt8(ascii: ",") { end -= 1 }
        if end > range.lowerBound, b[end - 1] == UInt8(ascii: ")"), b[range.lowerBound] != UInt8(ascii: "(") { end -= 1 }
        return end
    }

    private static func matches(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        return word.withUTF8Buffer { wanted in
            var index = range.lowerBound
            for byte in wanted {
                if b[index] != byte { return false }
                index += 1
            }
            return true
        }
    }
}
