#if canImport(Glibc)
import Glibc
#endif

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

    /// Room for the fields of `range` that always suffices: a field takes at least two bytes (`k=` and a separator).
    static func capacity(for range: Range<Int>) -> Int { range.count / 2 + 1 }

    /// Writes the fields of `range` of `bytes` to `room` (at least ``capacity(for:)`` fields); returns how many.
    static func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, in range: Range<Int>,
                         into room: UnsafeMutableBufferPointer<AuditField>) -> Int {
        guard let base = bytes.baseAddress, !range.isEmpty, room.count > 0 else { return 0 }
        var sink = Sink(room: room)
        tokenizeBody(base, range.lowerBound, range.upperBound, &sink)
        return sink.next - room.baseAddress!
    }

    /// Where the next field found goes in the scratch room, and the room's end (two pointers, the room's start
    /// left to the caller: registers are scarce in the tokenizer's loop).
    private struct Sink {
        private(set) var next: UnsafeMutablePointer<AuditField>
        private let limit: UnsafeMutablePointer<AuditField>

        init(room: UnsafeMutableBufferPointer<AuditField>) {
            next = room.baseAddress!
            limit = next + room.count
        }

        @inline(__always)
        mutating func append(key: Int, _ keyEnd: Int, value: Int, _ valueEnd: Int, _ quoting: AuditQuoting) {
            guard next < limit else { return }  // unreachable by the two-byte bound; never overrun
            next.initialize(to: AuditField(
                keyStart: UInt32(truncatingIfNeeded: key), keyEnd: UInt32(truncatingIfNeeded: keyEnd),
                valueStart: UInt32(truncatingIfNeeded: value), valueEnd: UInt32(truncatingIfNeeded: valueEnd),
                quoting: quoting))
            next += 1
        }
    }

    /// A record's body (its own copy of the loop: `nested` is constant in each, and its checks vanish).
    private static func tokenizeBody(_ b: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ found: inout Sink) {
        tokenize(b, start, end, nested: false, &found)
    }

    /// A user-space `msg='…'` value.
    private static func tokenizeMessage(_ b: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ found: inout Sink) {
        tokenize(b, start, end, nested: true, &found)
    }

    @inline(__always)
    private static func tokenize(_ b: UnsafePointer<UInt8>, _ start: Int, _ end: Int, nested: Bool,
                                 _ found: inout Sink) {
        var fields = found  // a local copy stays in registers (the inout one lived in memory)
        defer { found = fields }
        var position = start
        var prefixStart = -1  // where an `old`/`new` word began, when the previous word was one
        while position < end {
            if b[position] == space {
                position &+= 1
                continue
            }

            // The key ends at the first `=` or space. One word loaded at the key covers most fields (`uid=0 `,
            // `syscall=59 `): the spaces it holds past that stop also end a bare value, with no second scan.
            let wordStart = position
            var spacesPastStop: UInt64 = 0  // space markers in the word at `wordStart`, when it was loaded
            var valueScanFrom = 0  // where a bare value's scan for its space may begin (bytes before are not spaces)
            if wordStart &+ 8 <= end {
                let word = UnsafeRawPointer(b + wordStart).loadUnaligned(as: UInt64.self)
                let spaces = ByteSearch.markers(of: space, in: word)
                let stops = ByteSearch.markers(of: equals, in: word) | spaces
                if stops == 0 {
                    position = ByteSearch.scan(b, from: wordStart &+ 8, to: end, until: equals, orUntil: space)
                } else {
                    position = wordStart &+ stops.trailingZeroBitCount &>> 3
                    spacesPastStop = spaces
                    valueScanFrom = wordStart &+ 8
                }
            } else {
                position = ByteSearch.scan(b, from: wordStart, to: end, until: equals, orUntil: space)
            }
            guard position < end, b[position] == equals, position > wordStart else {
                // A bare word, or `=` with no key: skip to the next space.
                position = ByteSearch.scan(b, from: position, to: end, until: space)
                let isPrefix = matches(b, wordStart, position, "old") || matches(b, wordStart, position, "new")
                prefixStart = isPrefix && position + 1 < end && b[position + 1] != space ? wordStart : -1
                continue
            }
            var keyStart = wordStart
            if nested, b[keyStart] == UInt8(ascii: "("), keyStart + 1 < position { keyStart += 1 }
            if prefixStart >= 0 {
                if matches(b, wordStart, position, "auid") || matches(b, wordStart, position, "ses") { keyStart = prefixStart }
                prefixStart = -1
            }
            let keyEnd = position
            position &+= 1

            let first = position < end ? b[position] : space
            if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
                let valueStart = position + 1
                let valueEnd = ByteSearch.scan(b, from: valueStart, to: end, until: first)
                let quoting: AuditQuoting = first == UInt8(ascii: "'") ? .single : .double
                fields.append(key: keyStart, keyEnd, value: valueStart, valueEnd, quoting)
                if quoting == .single, valueStart < valueEnd {
                    tokenizeMessage(b, valueStart, valueEnd, &fields)
                }
                position = min(valueEnd + 1, end)
            } else {
                let valueStart = position
                if spacesPastStop != 0 {
                    // The stop was the `=`, so every space marker lies after it.
                    position = wordStart &+ spacesPastStop.trailingZeroBitCount &>> 3
                } else {
                    position = ByteSearch.scan(b, from: max(position, valueScanFrom), to: end, until: space)
                }
                let valueEnd = nested ? trimmedPAMValueEnd(b, valueStart, position) : position
                fields.append(key: keyStart, keyEnd, value: valueStart, valueEnd, .none)
                // Past the space that ended the value (or past the end, which ends the loop): a loop turn to skip
                // it cost more.
                position &+= 1
            }
        }
    }

    /// `?,` → `?` and `success)` → `success`; `(none)` keeps its parentheses.
    private static func trimmedPAMValueEnd(_ b: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var end = end
        if end > start, b[end - 1] == UInt8(ascii: ",") { end -= 1 }
        if end > start, b[end - 1] == UInt8(ascii: ")"), b[start] != UInt8(ascii: "(") { end -= 1 }
        return end
    }

    private static func matches(_ b: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ word: StaticString) -> Bool {
        guard end - start == word.utf8CodeUnitCount else { return false }
        return memcmp(b + start, word.utf8Start, end - start) == 0
    }
}
