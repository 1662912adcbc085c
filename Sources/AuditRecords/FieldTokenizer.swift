/// Splits the body of a record into `key=value` fields.
///
/// Values are bare (up to the next space), `"double quoted"` (the kernel never escapes inside quotes: a string
/// containing a quote is hex-encoded instead) or `'single quoted'` (user-space `msg='…'`, whose content is itself
/// `key=value` pairs and is tokenized again). Words without `=` (`avc:  denied  { read }  for`, old-style `user`)
/// are skipped. An unterminated quote takes the rest of the body.
enum FieldTokenizer {
    static func tokenize(_ bytes: [UInt8], in range: Range<Int>, into fields: inout [AuditField]) {
        var position = range.lowerBound
        let end = range.upperBound
        while position < end {
            while position < end, bytes[position] == UInt8(ascii: " ") { position += 1 }
            guard position < end else { return }

            let keyStart = position
            while position < end, bytes[position] != UInt8(ascii: "="), bytes[position] != UInt8(ascii: " ") {
                position += 1
            }
            guard position < end, bytes[position] == UInt8(ascii: "="), position > keyStart else {
                // A bare word, or `=` with no key: skip to the next space.
                while position < end, bytes[position] != UInt8(ascii: " ") { position += 1 }
                continue
            }
            let keyRange = keyStart..<position
            position += 1

            let quote: UInt8? = position < end && (bytes[position] == UInt8(ascii: "\"") || bytes[position] == UInt8(ascii: "'"))
                ? bytes[position] : nil
            if let quote {
                let valueStart = position + 1
                var valueEnd = valueStart
                while valueEnd < end, bytes[valueEnd] != quote { valueEnd += 1 }
                let quoting: AuditQuoting = quote == UInt8(ascii: "'") ? .single : .double
                fields.append(AuditField(keyRange: keyRange, valueRange: valueStart..<valueEnd, quoting: quoting))
                if quoting == .single, valueStart < valueEnd {
                    tokenize(bytes, in: valueStart..<valueEnd, into: &fields)
                }
                position = min(valueEnd + 1, end)
            } else {
                let valueStart = position
                while position < end, bytes[position] != UInt8(ascii: " ") { position += 1 }
                fields.append(AuditField(keyRange: keyRange, valueRange: valueStart..<position, quoting: .none))
            }
        }
    }
}
