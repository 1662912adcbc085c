/// Splits the body of a record into `key=value` fields.
///
/// Values are bare (up to the next space), `"double quoted"` (the kernel never escapes inside quotes: a string
/// containing a quote is hex-encoded instead) or `'single quoted'` (user-space `msg='…'`, whose content is itself
/// `key=value` pairs and is tokenized again). Words without `=` (`avc:  denied  { read }  for`, old-style `user`)
/// are skipped, except that the old LOGIN form `old auid=… new auid=…` keeps its prefix: the key is `old auid`/`new ses`
/// (looked up as `old_auid`, like go-libaudit's rename). An unterminated quote takes the rest of the body.
enum FieldTokenizer {
    static func tokenize(_ bytes: [UInt8], in range: Range<Int>, into fields: inout [AuditField]) {
        var position = range.lowerBound
        let end = range.upperBound
        var prefixStart: Int?
        while position < end {
            while position < end, bytes[position] == UInt8(ascii: " ") { position += 1 }
            guard position < end else { return }

            let wordStart = position
            while position < end, bytes[position] != UInt8(ascii: "="), bytes[position] != UInt8(ascii: " ") {
                position += 1
            }
            guard position < end, bytes[position] == UInt8(ascii: "="), position > wordStart else {
                // A bare word, or `=` with no key: skip to the next space.
                while position < end, bytes[position] != UInt8(ascii: " ") { position += 1 }
                let word = bytes[wordStart..<position]
                let isPrefix = word.elementsEqual("old".utf8) || word.elementsEqual("new".utf8)
                prefixStart = isPrefix && position < end && position + 1 < end && bytes[position + 1] != UInt8(ascii: " ")
                    ? wordStart : nil
                continue
            }
            let word = bytes[wordStart..<position]
            let takesPrefix = word.elementsEqual("auid".utf8) || word.elementsEqual("ses".utf8)
            let keyRange = (takesPrefix ? prefixStart ?? wordStart : wordStart)..<position
            prefixStart = nil
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
