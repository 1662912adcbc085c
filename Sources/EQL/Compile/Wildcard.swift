// Wildcard patterns for `:`, `like` and `like~`: `*` is any run of characters, `?` exactly one,
// everything else literal (including `\`). Matching works on UTF-8 bytes; case-insensitive
// matching folds ASCII bytes in place and lowercases only non-ASCII input.

/// ASCII-folds one byte (A–Z → a–z).
@inline(__always) func foldASCII(_ c: UInt8) -> UInt8 {
    (c &- 0x41) < 26 ? c | 0x20 : c
}

enum CaseFolding {
    /// The form a case-insensitive comparison works on: ASCII text as is (folded byte-wise while
    /// comparing), other text lowercased once.
    @inline(__always) static func comparable(_ s: String) -> String {
        isASCII(s) ? s : lowercased(s)
    }

    /// `s.lowercased()`, with the ASCII bytes of a mostly-ASCII text (a command line with one accented word)
    /// lowered in place: the standard library maps every scalar through its Unicode properties once any byte is
    /// not ASCII (~200 instructions a character). Its lowercasing is per scalar, with no context, so mapping only
    /// the non-ASCII scalars gives the same text (a test holds the two equal over every scalar).
    static func lowercased(_ s: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count + 8)
        for scalar in s.unicodeScalars {
            if scalar.isASCII {
                let byte = UInt8(truncatingIfNeeded: scalar.value)
                bytes.append(byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte)
            } else {
                bytes.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always) static func isASCII(_ s: String) -> Bool {
        s.utf8.withContiguousStorageIfAvailable(isASCII) ?? s.utf8.allSatisfy { $0 < 0x80 }
    }

    /// Eight bytes at a time: command lines are long, and every case-insensitive test asks.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index + 8 <= bytes.count {
            if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            index += 8
        }
        return index == bytes.count
            || littleEndianWord(base + index, count: bytes.count - index) & 0x8080_8080_8080_8080 == 0
    }

    /// No byte outside ASCII and no ASCII capital: the text is its own case-folded form (``CaseFolding/comparable(_:)``
    /// keeps it, ASCII folding changes nothing). Eight bytes at a time, as ``isASCII(_:)-swift.type.method``.
    static func isFoldedASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index + 8 <= bytes.count {
            if !isFoldedASCII(word: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)) { return false }
            index += 8
        }
        // The last bytes as one word, zero above them (a zero byte is folded ASCII).
        return index == bytes.count || isFoldedASCII(word: littleEndianWord(base + index, count: bytes.count - index))
    }

    @inline(__always) private static func isFoldedASCII(word: UInt64) -> Bool {
        let highBits: UInt64 = 0x8080_8080_8080_8080
        if word & highBits != 0 { return false }
        // Bytes below 0x80 (no carry between them): adding 0x80 - 0x41 sets the high bit of bytes from "A" up,
        // adding 0x80 - 0x5B of those past "Z".
        let fromA = word &+ 0x3F3F_3F3F_3F3F_3F3F, pastZ = word &+ 0x2525_2525_2525_2525
        return fromA & ~pastZ & highBits == 0
    }
}

/// A string whose hash and equality ignore case; keys of case-insensitive sets (`in~`, `:`).
struct CaseInsensitiveKey: Hashable, Sendable {
    let text: String

    /// `text` must already be in `CaseFolding.comparable` form.
    init(comparable text: String) { self.text = text }

    init(_ text: String) { self.text = CaseFolding.comparable(text) }

    func hash(into hasher: inout Hasher) {
        // Folded bytes packed eight to a word: one combine per 8 bytes instead of per byte.
        var word: UInt64 = 0
        var count = 0
        for c in text.utf8 {
            word = word << 8 | UInt64(foldASCII(c))
            count += 1
            if count & 7 == 0 {
                hasher.combine(word)
                word = 0
            }
        }
        hasher.combine(word)
        hasher.combine(count)
    }

    static func == (a: Self, b: Self) -> Bool {
        a.text.utf8.count == b.text.utf8.count && a.text.utf8.elementsEqual(b.text.utf8) { foldASCII($0) == foldASCII($1) }
    }
}

/// One compiled wildcard pattern.
/// A compiled `*`/`?` pattern (EQL `like`, exception `wildcard` entries), matched over UTF-8 bytes.
public struct WildcardPattern: Sendable {
    private enum Shape: Sendable {
        case exact, prefix, suffix, contains, general
    }
    /// Pattern bytes, ASCII-folded (and lowercased) when case-insensitive.
    private let pattern: [UInt8]
    /// The literal part for the fast shapes (`abc*`, `*abc`, `*abc*`).
    private let literal: [UInt8]
    private let shape: Shape
    let caseInsensitive: Bool

    /// For a `literal*` pattern, its literal bytes (ASCII-folded and lowercased when case-insensitive); else nil.
    var prefix: [UInt8]? { shape == .prefix ? literal : nil }

    static func hasWildcards(_ pattern: String) -> Bool {
        pattern.utf8.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") }
    }

    public init(_ text: String, caseInsensitive: Bool) {
        self.caseInsensitive = caseInsensitive
        let source = caseInsensitive ? CaseFolding.comparable(text) : text
        let bytes = caseInsensitive ? source.utf8.map(foldASCII) : Array(source.utf8)
        pattern = bytes
        let star = UInt8(ascii: "*")
        let inner = bytes.filter { $0 != star }
        let hasQuestion = bytes.contains(UInt8(ascii: "?"))
        let starCount = bytes.count - inner.count
        if hasQuestion || starCount > 2 {
            shape = .general
            literal = []
        } else if starCount == 0 {
            shape = .exact
            literal = bytes
        } else if starCount == 1, bytes.last == star {
            shape = .prefix
            literal = inner
        } else if starCount == 1, bytes.first == star {
            shape = .suffix
            literal = inner
        } else if starCount == 2, bytes.first == star, bytes.last == star {
            shape = .contains
            literal = inner
        } else {
            shape = .general
            literal = []
        }
    }

    public func matches(_ value: String) -> Bool {
        matches(comparable: caseInsensitive ? CaseFolding.comparable(value) : value)
    }

    /// `value` already in `CaseFolding.comparable` form when case-insensitive (checked once per list).
    func matches(comparable value: String) -> Bool {
        var text = value
        return text.withUTF8 { matches(bytes: $0) }
    }

    @inline(__always) private func same(_ a: UInt8, _ b: UInt8) -> Bool {
        caseInsensitive ? foldASCII(a) == b : a == b
    }

    /// `s` already in `CaseFolding.comparable` form when case-insensitive.
    func matches(bytes s: UnsafeBufferPointer<UInt8>) -> Bool {
        switch shape {
        case .exact:
            return s.count == literal.count && equalAt(s, 0)
        case .prefix:
            return s.count >= literal.count && equalAt(s, 0)
        case .suffix:
            return s.count >= literal.count && equalAt(s, s.count - literal.count)
        case .contains:
            if literal.isEmpty { return true }
            guard s.count >= literal.count else { return false }
            let first = literal[0]
            var i = 0
            let last = s.count - literal.count
            while i <= last {
                if same(s[i], first), equalAt(s, i) { return true }
                i += 1
            }
            return false
        case .general:
            return generalMatch(s)
        }
    }

    @inline(__always) private func equalAt(_ s: UnsafeBufferPointer<UInt8>, _ offset: Int) -> Bool {
        var j = 0
        while j < literal.count {
            if !same(s[offset + j], literal[j]) { return false }
            j += 1
        }
        return true
    }

    /// Iterative matcher with backtracking to the last `*`: O(n·m) worst case, no allocation.
    private func generalMatch(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let star = UInt8(ascii: "*"), question = UInt8(ascii: "?")
        var si = 0, pi = 0
        var starPattern = -1, starText = 0
        while si < s.count {
            if pi < pattern.count, pattern[pi] == question {
                si += scalarLength(s[si])
                pi += 1
            } else if pi < pattern.count, pattern[pi] != star, same(s[si], pattern[pi]) {
                si += 1
                pi += 1
            } else if pi < pattern.count, pattern[pi] == star {
                starPattern = pi
                starText = si
                pi += 1
            } else if starPattern >= 0 {
                pi = starPattern + 1
                starText += scalarLength(s[starText])
                si = starText
            } else {
                return false
            }
        }
        if si > s.count { return false }
        while pi < pattern.count, pattern[pi] == star { pi += 1 }
        return pi == pattern.count
    }

    /// Length of the UTF-8 sequence starting with `lead`, so `?` consumes one character.
    @inline(__always) private func scalarLength(_ lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }
}
