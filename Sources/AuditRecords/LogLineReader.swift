#if canImport(Glibc)
import Glibc
#endif

/// Reads newline-separated lines from a file descriptor in large chunks (audit.log text for `auspex replay`).
/// Lines are lent as views of an internal buffer for the length of one call.
struct LogLineReader {
    let descriptor: Int32
    /// Longest line kept; longer lines are cut here (audit records are at most ~9 KB) and counted.
    let maxLineBytes: Int
    private(set) var lineNumber = 0
    private(set) var truncatedLines = 0
    /// errno of a failed read, if any.
    private(set) var error: Int32?
    /// Input read and not yet returned is `buffer[start..<filled]`; reads fill the rest. Doubled only when a line
    /// outgrows it (up to `maxLineBytes`).
    private var buffer = [UInt8](repeating: 0, count: 256 << 10)
    private var start = 0
    private var filled = 0
    private var atEnd = false

    /// Whether a line holds only spaces, tabs and carriage returns (skipped, not malformed).
    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
    }

    init(descriptor: Int32, maxLineBytes: Int = 1 << 20) {
        self.descriptor = descriptor
        self.maxLineBytes = max(1024, maxLineBytes)
    }

    /// Calls `body` with the next line, without its newline, as a view that must not escape the call; nil at the
    /// end of input.
    mutating func withNextLine<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        guard let (range, isRunaway) = nextLine() else { return nil }
        let result = buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
        if isRunaway { skipToNewline() }
        return result
    }

    /// Where the next line lies in `buffer`, and whether it is the head of a runaway line whose rest is to be
    /// skipped once it has been read.
    private mutating func nextLine() -> (Range<Int>, isRunaway: Bool)? {
        while true {
            if let newline = newlineIndex() {
                defer { start = newline + 1 }
                return (line(start..<newline), false)
            }
            if atEnd {
                guard start < filled else { return nil }
                defer { start = filled }
                return (line(start..<filled), false)
            }
            if filled - start > maxLineBytes {
                // A runaway line: keep its head, drop the rest up to the next newline.
                return (line(start..<start + maxLineBytes), true)
            }
            fill()
        }
    }

    /// The first newline at or after `start` (memchr: the generic search cost ~1k instructions per record).
    @inline(__always)
    private func newlineIndex() -> Int? {
        guard start < filled else { return nil }
        return buffer.withUnsafeBufferPointer { ByteSearch.firstIndex(of: UInt8(ascii: "\n"), in: $0, start..<filled) }
    }

    private mutating func line(_ range: Range<Int>) -> Range<Int> {
        lineNumber += 1
        if range.count > maxLineBytes {
            truncatedLines += 1
            return range.lowerBound..<range.lowerBound + maxLineBytes
        }
        return range
    }

    private mutating func skipToNewline() {
        truncatedLines += 1
        while true {
            if let newline = newlineIndex() {
                start = newline + 1
                return
            }
            start = 0
            filled = 0
            if atEnd { return }
            fill()
        }
    }

    /// Moves the unread bytes to the front and reads after them, growing the buffer while a line outgrows it.
    private mutating func fill() {
        if start > 0 {
            let unread = filled - start
            buffer.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: $0.baseAddress! + start, count: unread) }
            start = 0
            filled = unread
        }
        if filled == buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
        }
        var n: Int
        repeat {
            n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, $0.count - filled) }
        } while n < 0 && errno == EINTR
        if n < 0 { error = errno }
        if n > 0 { filled += n } else { atEnd = true }
    }
}
