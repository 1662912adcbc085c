/// A TOML syntax error: where (1-based line, column in Unicode scalars) and what.
struct TOMLSyntaxError: Error, Equatable {
    var location: SourceLocation
    var message: String
}

/// The read position in a TOML text's UTF-8 bytes, with its line and column.
///
/// Columns count Unicode scalars. They are computed on demand from the last one computed on the same line, so asking
/// for `here` at every key costs time proportional to the text, not to the text times its longest line.
struct TOMLCursor {
    let bytes: [UInt8]
    /// The read offset. Extensions move it over bytes that are not line feeds; `skipLineFeed()` moves over those.
    var index = 0
    private var line = 1
    private var lineStart = 0
    private var columnCacheOffset = 0
    private var columnCacheValue = 1

    init(_ text: String) {
        bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {  // a byte-order mark is not content and takes no column
            index = 3
            lineStart = 3
            columnCacheOffset = 3
        }
    }

    var atEnd: Bool { index >= bytes.count }

    /// The byte at `index + offset`, or nil past the end.
    func peek(_ offset: Int = 0) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    func peek(is byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    /// Whether the next bytes are `text`.
    func starts(with text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let pointer = text.utf8Start
        for offset in 0..<count where bytes[index + offset] != pointer[offset] { return false }
        return true
    }

    /// Moves over `count` bytes that contain no line feed.
    mutating func skip(_ count: Int = 1) { index = min(index + count, bytes.count) }

    /// Moves over a line feed (the byte at `index`).
    mutating func skipLineFeed() {
        index += 1
        line += 1
        lineStart = index
        columnCacheOffset = index
        columnCacheValue = 1
    }

    /// The current position.
    mutating func here() -> SourceLocation {
        var column = columnCacheValue
        var offset = columnCacheOffset
        while offset < index {
            if bytes[offset] & 0xC0 != 0x80 { column += 1 }
            offset += 1
        }
        columnCacheOffset = index
        columnCacheValue = column
        return SourceLocation(line: line, column: column)
    }

    /// A syntax error at the current position.
    mutating func error(_ message: String) -> TOMLSyntaxError { TOMLSyntaxError(location: here(), message: message) }

    /// Spaces and tabs.
    mutating func skipBlanks() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
    }

    /// A line feed or CR LF, when one is next.
    mutating func skipNewline() -> Bool {
        if peek(is: 0x0A) {
            skipLineFeed()
            return true
        }
        if peek(is: 0x0D), peek(1) == 0x0A {
            index += 1
            skipLineFeed()
            return true
        }
        return false
    }

    /// A comment when one is next: `#` up to the line's end, which is not consumed. Control characters other than
    /// tab are not allowed in it.
    mutating func skipComment() throws(TOMLSyntaxError) {
        guard peek(is: UInt8(ascii: "#")) else { return }
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A || (byte == 0x0D && peek(1) == 0x0A) { return }
            if TOMLCursor.isControl(byte) { throw error("control character \(TOMLCursor.shown(byte)) in a comment") }
            index += 1
        }
    }

    /// Blanks, comments and newlines, as between array elements.
    mutating func skipBlanksCommentsAndNewlines() throws(TOMLSyntaxError) {
        while true {
            skipBlanks()
            try skipComment()
            if !skipNewline() { return }
        }
    }

    /// After a value or a table header: blanks, an optional comment, then a newline or the end.
    mutating func expectLineEnd(after what: String) throws(TOMLSyntaxError) {
        skipBlanks()
        try skipComment()
        if atEnd || skipNewline() { return }
        throw error("expected a newline after \(what), found \(describeNext())")
    }

    /// The next character, for messages: `'x'`, `U+0001`, `end of file`.
    func describeNext() -> String {
        guard let byte = peek() else { return "end of file" }
        if byte == 0x0A || byte == 0x0D { return "end of line" }
        if TOMLCursor.isControl(byte) { return TOMLCursor.shown(byte) }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "'" + String(decoding: bytes[index..<end], as: UTF8.self) + "'"
    }

    /// Control characters TOML allows in no string or comment: all but tab (line feed is handled by the caller).
    static func isControl(_ byte: UInt8) -> Bool { (byte < 0x20 && byte != 0x09) || byte == 0x7F }

    static func shown(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    static func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
}
