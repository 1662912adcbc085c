/// Parses audit records from the two wire forms:
/// * audit.log lines: `[node=NAME ]type=NAME msg=audit(SECS.MSEC:SERIAL): key=value …[\x1dENRICHED …]`
/// * netlink payloads: `audit(SECS.MSEC:SERIAL): key=value …`, the type coming from the netlink header.
///
/// Parsing reads the bytes where they lie (a reader's buffer, a receive buffer); a record that parses copies them
/// once into its own storage, its field table with them.
public enum AuditParser {
    /// Parses one audit.log line (leading blanks and a trailing `\n`, `\r` or NUL are ignored).
    static func parseLogLine<Bytes: Collection>(_ line: Bytes) -> Result<AuditRecord, AuditParseError>
    where Bytes.Element == UInt8 {
        parseLogLine(Array(line))
    }

    /// Parses one audit.log line held in a slice of a larger buffer.
    static func parseLogLine(_ line: ArraySlice<UInt8>) -> Result<AuditRecord, AuditParseError> {
        var scratch = RecordScratch()
        return parseLogLine(line, scratch: &scratch)
    }

    /// Parses one audit.log line held in a slice of a larger buffer.
    static func parseLogLine(_ line: ArraySlice<UInt8>, scratch: inout RecordScratch) -> Result<AuditRecord, AuditParseError> {
        line.withUnsafeBufferPointer { parseLogLine(in: $0, scratch: &scratch, typeNames: RecordTypeNames()) }
    }

    /// Parses one audit.log line lent by a reader, gathering its fields in the reader's `scratch` and looking its
    /// type up in the reader's `typeNames`.
    static func parseLogLine(_ line: UnsafeBufferPointer<UInt8>, scratch: inout RecordScratch,
                             typeNames: RecordTypeNames) -> Result<AuditRecord, AuditParseError> {
        parseLogLine(in: line, scratch: &scratch, typeNames: typeNames)
    }

    /// Parses one audit.log line.
    static func parseLogLine(_ line: [UInt8]) -> Result<AuditRecord, AuditParseError> {
        var scratch = RecordScratch()
        return line.withUnsafeBufferPointer { parseLogLine(in: $0, scratch: &scratch, typeNames: RecordTypeNames()) }
    }

    private static func parseLogLine(in bytes: UnsafeBufferPointer<UInt8>, scratch: inout RecordScratch,
                                     typeNames: RecordTypeNames) -> Result<AuditRecord, AuditParseError> {
        guard bytes.count <= maximumLength else { return .failure(AuditParseError(.tooLong, at: maximumLength)) }
        var cursor = Cursor(bytes: bytes, end: trimmedEnd(bytes))
        cursor.skip { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        if cursor.atEnd { return .failure(AuditParseError(.emptyInput, at: 0)) }

        var nodeRange: Range<Int>?
        if cursor.consume("node=") {
            let start = cursor.position
            cursor.skipToSpace()
            nodeRange = start..<cursor.position
            cursor.skipSpaces()
        }
        guard cursor.consume("type=") else { return .failure(AuditParseError(.missingType, at: cursor.position)) }
        let nameStart = cursor.position
        cursor.skipToSpace()
        let nameRange = nameStart..<cursor.position
        guard !nameRange.isEmpty else { return .failure(AuditParseError(.missingType, at: nameStart)) }
        guard let type = AuditRecordType(nameBytes: UnsafeBufferPointer(rebasing: bytes[nameRange]), in: typeNames) else {
            return .failure(AuditParseError(.unknownType, at: nameStart))
        }
        cursor.skipSpaces()
        guard cursor.consume("msg=") else { return .failure(AuditParseError(.missingHeader, at: cursor.position)) }
        return parseBody(cursor: cursor, type: type, nodeRange: nodeRange, scratch: &scratch)
    }

    /// Parses one netlink message payload (the bytes after the netlink header, starting at `audit(`).
    /// Trailing NUL padding and newlines are ignored.
    public static func parseNetlink<Bytes: Collection>(type: UInt16, payload: Bytes) -> Result<AuditRecord, AuditParseError>
    where Bytes.Element == UInt8 {
        parseNetlink(type: type, payload: Array(payload))
    }

    /// Parses one netlink payload held in a slice of a receive buffer.
    static func parseNetlink(type: UInt16, payload: ArraySlice<UInt8>) -> Result<AuditRecord, AuditParseError> {
        payload.withUnsafeBufferPointer { parseNetlink(type: type, payload: UnsafeRawBufferPointer($0)) }
    }

    /// Parses one netlink payload held in a raw receive buffer.
    static func parseNetlink(type: UInt16, payload: UnsafeRawBufferPointer) -> Result<AuditRecord, AuditParseError> {
        payload.withMemoryRebound(to: UInt8.self) { bytes in
            var scratch = RecordScratch()
            return parseNetlink(type: type, in: bytes, scratch: &scratch)
        }
    }

    /// Parses one netlink payload.
    static func parseNetlink(type: UInt16, payload: [UInt8]) -> Result<AuditRecord, AuditParseError> {
        var scratch = RecordScratch()
        return payload.withUnsafeBufferPointer { parseNetlink(type: type, in: $0, scratch: &scratch) }
    }

    private static func parseNetlink(type: UInt16, in bytes: UnsafeBufferPointer<UInt8>,
                                     scratch: inout RecordScratch) -> Result<AuditRecord, AuditParseError> {
        guard bytes.count <= maximumLength else { return .failure(AuditParseError(.tooLong, at: maximumLength)) }
        let cursor = Cursor(bytes: bytes, end: trimmedEnd(bytes))
        if cursor.atEnd { return .failure(AuditParseError(.emptyInput, at: 0)) }
        return parseBody(cursor: cursor, type: AuditRecordType(type), nodeRange: nil, scratch: &scratch)
    }

    /// Field offsets are stored in 32 bits; real records are at most a few KiB (netlink: 8970 bytes).
    static let maximumLength = Int(UInt32.max)

    /// Parses `audit(SECS.MSEC:SERIAL):` and the fields after it; the record copies the bytes and its fields.
    @inline(__always)
    private static func parseBody(cursor: Cursor, type: AuditRecordType, nodeRange: Range<Int>?,
                                  scratch: inout RecordScratch) -> Result<AuditRecord, AuditParseError> {
        var cursor = cursor
        let header: Header
        switch parseHeader(&cursor) {
        case .success(let parsed): header = parsed
        case .failure(let error): return .failure(error)
        }
        let enrichedStart = ByteSearch.firstIndex(of: 0x1d, in: cursor.bytes, cursor.position..<cursor.end)
        let rawEnd = enrichedStart ?? cursor.end
        let enrichedRange = enrichedStart.map { ($0 + 1)..<cursor.end }
        let fieldRange = cursor.position..<rawEnd
        let (storage, fieldCount) = scratch.assemble(bytes: cursor.bytes,
                                                     fieldCapacity: FieldTokenizer.capacity(for: fieldRange)) { room in
            FieldTokenizer.tokenize(cursor.bytes, in: fieldRange, into: room)
        }
        return .success(AuditRecord(storage: storage, byteCount: cursor.bytes.count, fieldCount: fieldCount, type: type,
                                    timestamp: header.timestamp, serial: header.serial, nodeRange: nodeRange,
                                    enrichedRange: enrichedRange))
    }

    struct Header: Equatable {
        let timestamp: AuditTimestamp
        let serial: UInt32
    }

    /// `audit(SECS.MSEC:SERIAL):`, leaving the cursor at the fields (a function of its own: in the caller, its
    /// numbers spilled to memory around the tokenizer call).
    static func parseHeader(_ cursor: inout Cursor) -> Result<Header, AuditParseError> {
        if let header = parseKernelHeader(&cursor) { return .success(header) }
        return parseAnyHeader(&cursor)
    }

    /// `audit(SECS.MSEC:SERIAL):` of any widths, or why not.
    static func parseAnyHeader(_ cursor: inout Cursor) -> Result<Header, AuditParseError> {
        guard cursor.consume("audit(") else { return .failure(AuditParseError(.missingHeader, at: cursor.position)) }
        guard let seconds = cursor.decimal(maxDigits: 18) else {
            return .failure(AuditParseError(.malformedTimestamp, at: cursor.position))
        }
        guard cursor.consume(".") else { return .failure(AuditParseError(.malformedTimestamp, at: cursor.position)) }
        let fractionStart = cursor.position
        guard let fraction = cursor.decimal(maxDigits: 9) else {
            return .failure(AuditParseError(.malformedTimestamp, at: cursor.position))
        }
        let milliseconds = scaleToMilliseconds(fraction, digits: cursor.position - fractionStart)
        // Times are carried as Int64 nanoseconds downstream: a stamp beyond that range is malformed.
        guard AuditTimestamp.fitsInt64Nanoseconds(seconds: seconds, milliseconds: milliseconds) else {
            return .failure(AuditParseError(.timestampOutOfRange, at: fractionStart))
        }
        guard cursor.consume(":") else { return .failure(AuditParseError(.malformedSerial, at: cursor.position)) }
        guard let serial = cursor.decimal(maxDigits: 10), serial <= UInt64(UInt32.max) else {
            return .failure(AuditParseError(.malformedSerial, at: cursor.position))
        }
        guard cursor.consume(")") else { return .failure(AuditParseError(.unterminatedHeader, at: cursor.position)) }
        _ = cursor.consume(":")
        return .success(Header(timestamp: AuditTimestamp(seconds: Int64(seconds), milliseconds: milliseconds),
                               serial: UInt32(serial)))
    }

    /// The header as the kernel prints it — `audit(`, ten digits, `.`, three digits, `:`, one to seven digits, `)` —
    /// read in four word loads (the general parse below cost ~340 instructions a record); nil, with the cursor
    /// unmoved, for any other shape or an out-of-range stamp, which the general parse then reads or refuses.
    @inline(__always)
    private static func parseKernelHeader(_ cursor: inout Cursor) -> Header? {
        // 21 bytes up to the serial, and a word from there holding the serial and its `)`.
        guard cursor.end &- cursor.position >= 29, let base = cursor.bytes.baseAddress else { return nil }
        let header = UnsafeRawPointer(base + cursor.position)
        let opening: UInt64 = 0x2874_6964_7561  // "audit(" (first byte lowest)
        guard header.loadUnaligned(as: UInt64.self) & 0xFFFF_FFFF_FFFF == opening else { return nil }
        let secondsHead = header.loadUnaligned(fromByteOffset: 6, as: UInt64.self)  // the first eight digits
        guard Cursor.isEightDigits(secondsHead) else { return nil }
        // "DD.DDD:" minus its template: digit values where digits belong, zero where the separators match.
        let template: UInt64 = 0x3A_3030_302E_3030
        let rest = (header.loadUnaligned(fromByteOffset: 14, as: UInt64.self) ^ template) & 0x00FF_FFFF_FFFF_FFFF
        let allBelowTen = (rest | (rest &+ 0x0006_0606_0606_0606)) & 0x00F0_F0F0_F0F0_F0F0 == 0
        guard allBelowTen, rest & 0x00FF_0000_00FF_0000 == 0 else { return nil }
        let seconds = Cursor.eightDigitsValue(secondsHead) &* 100 &+ (rest & 0xFF) &* 10 &+ (rest >> 8 & 0xFF)
        let milliseconds = UInt16(truncatingIfNeeded: (rest >> 24 & 0xFF) &* 100 &+ (rest >> 32 & 0xFF) &* 10 &+ (rest >> 40 & 0xFF))
        guard AuditTimestamp.fitsInt64Nanoseconds(seconds: seconds, milliseconds: milliseconds) else { return nil }

        let serialWord = header.loadUnaligned(fromByteOffset: 21, as: UInt64.self) ^ 0x3030_3030_3030_3030
        let digitCount = Cursor.leadingDigitCount(ofDigitValues: serialWord)
        // The byte after the digits (inside the word: at most seven digits) must close the header.
        guard digitCount > 0, digitCount < 8,
              serialWord >> (digitCount &* 8) & 0xFF == UInt64(UInt8(ascii: ")") ^ UInt8(ascii: "0")) else { return nil }
        // The digits moved to the word's top: the bytes below are leading zeros.
        let serial = Cursor.eightDigitValuesValue(serialWord << (64 &- digitCount &* 8))
        cursor.position &+= 21 &+ digitCount &+ 1
        _ = cursor.consume(":")
        return Header(timestamp: AuditTimestamp(seconds: Int64(seconds), milliseconds: milliseconds),
                      serial: UInt32(truncatingIfNeeded: serial))
    }

    /// The kernel prints three fraction digits; tolerate other widths by scaling to milliseconds.
    private static func scaleToMilliseconds(_ fraction: UInt64, digits: Int) -> UInt16 {
        var value = fraction
        var width = digits
        while width > 3 { value /= 10; width -= 1 }
        while width < 3 { value *= 10; width += 1 }
        return UInt16(value)
    }

    private static func trimmedEnd(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0 || bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r") {
            end -= 1
        }
        return end
    }
}

/// Why a line or payload could not be parsed, and where.
public struct AuditParseError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Reason: String, Sendable {
        case emptyInput = "empty input"
        case missingType = "no type= field"
        case unknownType = "unknown record type name"
        case missingHeader = "no msg=audit( header"
        case malformedTimestamp = "malformed timestamp in audit(SECS.MSEC:SERIAL)"
        case timestampOutOfRange = "timestamp in audit(SECS.MSEC:SERIAL) beyond the year 2262 (64-bit nanoseconds)"
        case malformedSerial = "malformed serial in audit(SECS.MSEC:SERIAL)"
        case unterminatedHeader = "audit( header not closed by )"
        case tooLong = "record longer than 4 GiB"
    }

    let reason: Reason
    /// Byte offset where parsing stopped.
    let offset: Int

    init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String { "\(reason.rawValue) at byte \(offset)" }
}

/// Read position over a record's bytes.
struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let end: Int
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>, end: Int) {
        self.bytes = bytes
        self.end = end
    }

    var atEnd: Bool { position >= end }

    @inline(__always)
    mutating func consume(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard end - position >= count else { return false }
        // A byte loop: the generic elementsEqual over a slice cost ~100 instructions per literal, 8 per record.
        let matches = literal.withUTF8Buffer { wanted in
            var offset = 0
            while offset < count, bytes[position &+ offset] == wanted[offset] { offset &+= 1 }
            return offset == count
        }
        if matches { position &+= count }
        return matches
    }

    mutating func skip(while predicate: (UInt8) -> Bool) {
        while position < end, predicate(bytes[position]) { position += 1 }
    }

    mutating func skipSpaces() { skip { $0 == UInt8(ascii: " ") } }

    /// Moves to the next space (or the end), eight bytes a step.
    @inline(__always)
    mutating func skipToSpace() {
        guard let base = bytes.baseAddress else { return }
        position = ByteSearch.scan(base, from: position, to: end, until: UInt8(ascii: " "))
    }

    /// Up to `maxDigits` (at most 19) decimal digits; nil when there are none or more than allowed. Accumulated
    /// while skipping them, eight at a time while they last (a log's seconds are ten digits): parsing the slice
    /// again cost ~90 instructions a number, three per record.
    @inline(__always)
    mutating func decimal(maxDigits: Int) -> UInt64? {
        precondition(maxDigits <= 19, "19 decimal digits always fit in UInt64")
        let start = position
        var index = position  // a local: the cursor may live in memory
        defer { position = index }
        var value: UInt64 = 0
        // Wrapping arithmetic: only past 19 digits, which are refused below.
        while index &+ 8 <= end {
            let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
            guard Self.isEightDigits(word) else { break }
            value = value &* 100_000_000 &+ Self.eightDigitsValue(word)
            index &+= 8
        }
        while index < end {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            value = value &* 10 &+ UInt64(digit)
            index &+= 1
        }
        guard index > start, index - start <= maxDigits else { return nil }
        return value
    }

    /// Whether all eight bytes of `word` are ASCII digits (high nibble 3, and still 3 after adding 6).
    @inline(__always)
    static func isEightDigits(_ word: UInt64) -> Bool {
        let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0, threes: UInt64 = 0x3030_3030_3030_3030
        return word & highNibbles == threes && (word &+ 0x0606_0606_0606_0606) & highNibbles == threes
    }

    /// The number eight ASCII digits spell (first digit in the lowest byte).
    @inline(__always)
    static func eightDigitsValue(_ word: UInt64) -> UInt64 {
        eightDigitValuesValue(word &- 0x3030_3030_3030_3030)
    }

    /// How many of the bytes of `values` (ASCII bytes minus `0`), from the lowest, are digits (below ten): 0…8.
    @inline(__always)
    static func leadingDigitCount(ofDigitValues values: UInt64) -> Int {
        let sevenBits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        // A byte's top bit is set when its low seven bits reach ten (no carry leaves a byte) or it was set already.
        let notDigits = (((values & sevenBits) &+ 0x7676_7676_7676_7676) | values) & 0x8080_8080_8080_8080
        return notDigits.trailingZeroBitCount &>> 3
    }

    /// The number eight digit values (0…9 each, first digit in the lowest byte) spell, in three multiplications:
    /// digit pairs, then fours, then the whole.
    @inline(__always)
    static func eightDigitValuesValue(_ digits: UInt64) -> UInt64 {
        var value = digits
        value = value &* 10 &+ (value >> 8)
        let pairs: UInt64 = 0x0000_00FF_0000_00FF
        return ((value & pairs) &* (100 &+ (1_000_000 << 32)) &+ ((value >> 16) & pairs) &* (1 &+ (10_000 << 32))) >> 32
    }
}
