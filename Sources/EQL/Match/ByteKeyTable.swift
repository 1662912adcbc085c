/// An immutable map from byte strings to values, looked up with a value's UTF-8 bytes: one multiply-mix pass
/// eight bytes at a time and open addressing. `Dictionary<String, _>` hashes with SipHash (about 500 instructions
/// for a program path), and the rule index's guards look up several values of every event.
///
/// The hash is fixed, not seeded: only the rules choose the keys, so an event's value (which an attacker may
/// choose) costs at most the longest run of colliding rule keys, never a table an attacker filled.
///
/// Bytes decide only between ASCII texts. Swift strings compare by canonical equivalence (`"e\u{301}" == "é"`,
/// `"\u{212A}" == "K"`), so for a non-ASCII value, or an ASCII one that is no key while some key is not ASCII,
/// ``lookup(_:)`` answers `undecided` and the caller asks its `Set` or `Dictionary` of the same keys.
struct ByteKeyTable<Value: Sendable>: Sendable {
    /// Every key's bytes, back to back; key `i` is `keyBytes[keyStarts[i]..<keyStarts[i + 1]]`.
    private let keyBytes: [UInt8]
    private let keyStarts: [Int]
    private let values: [Value]
    /// Per bucket, the entry stored there or -1; a power of two, at most half full.
    private let buckets: [Int32]
    /// Length of the longest key, in bytes.
    let longestKey: Int
    /// Whether some key is not ASCII (an ASCII value may equal it: `"\u{212A}"`, KELVIN SIGN, is `"K"`).
    let hasNonASCIIKeys: Bool

    enum Lookup {
        case found(Value)
        case absent
        /// Only a comparison as Swift strings can tell.
        case undecided
    }

    var isEmpty: Bool { values.isEmpty }
    var count: Int { values.count }

    /// The table of `entries`; a key given twice keeps its first value.
    init(_ entries: some Sequence<(key: String, value: Value)>) {
        var keyBytes: [UInt8] = [], keyStarts = [0], values: [Value] = []
        for (key, value) in entries {
            keyBytes.append(contentsOf: key.utf8)
            keyStarts.append(keyBytes.count)
            values.append(value)
        }
        var capacity = 8
        while capacity < 2 * values.count { capacity *= 2 }
        var buckets = [Int32](repeating: -1, count: capacity)
        var kept: [Bool] = []
        keyBytes.withUnsafeBufferPointer { bytes in
            for entry in values.indices {
                let key = UnsafeBufferPointer(rebasing: bytes[keyStarts[entry]..<keyStarts[entry + 1]])
                var bucket = Int(truncatingIfNeeded: Self.hash(key)) & (capacity - 1)
                var duplicate = false
                while buckets[bucket] >= 0 {
                    let other = Int(buckets[bucket])
                    if UnsafeBufferPointer(rebasing: bytes[keyStarts[other]..<keyStarts[other + 1]]).elementsEqual(key) {
                        duplicate = true
                        break
                    }
                    bucket = (bucket + 1) & (capacity - 1)
                }
                if !duplicate { buckets[bucket] = Int32(entry) }
                kept.append(!duplicate)
            }
        }
        self.keyBytes = keyBytes
        self.keyStarts = keyStarts
        self.values = values
        self.buckets = buckets
        longestKey = values.indices.filter { kept[$0] }.map { keyStarts[$0 + 1] - keyStarts[$0] }.max() ?? 0
        hasNonASCIIKeys = !keyBytes.withUnsafeBufferPointer(CaseFolding.isASCII)
    }

    /// The value stored under `key`, as far as bytes tell (see the type's note on non-ASCII texts).
    func lookup(_ key: String) -> Lookup {
        if values.isEmpty { return .absent }
        // The bytes in place (a native string's, or a small one's on the stack); `withUTF8` needed a copy of the
        // string (a retain and a release per lookup).
        if let answer = key.utf8.withContiguousStorageIfAvailable(lookup(bytes:)) { return answer }
        var text = key
        return text.withUTF8(lookup(bytes:))
    }

    private func lookup(bytes: UnsafeBufferPointer<UInt8>) -> Lookup {
        guard CaseFolding.isASCII(bytes) else { return .undecided }
        if let found = value(forASCII: bytes) { return .found(found) }
        return hasNonASCIIKeys ? .undecided : .absent
    }

    /// The value stored under `key`: the table's answer, or, when bytes cannot tell, `undecided`'s (the caller's
    /// `Set` or `Dictionary` of the same keys).
    func value(for key: String, undecided: (String) -> Value?) -> Value? {
        switch lookup(key) {
        case .found(let value): return value
        case .absent: return nil
        case .undecided: return undecided(key)
        }
    }

    /// The value stored under exactly these bytes: the answer for an ASCII text when every key is ASCII.
    func value(forASCII key: UnsafeBufferPointer<UInt8>) -> Value? {
        guard key.count <= longestKey else { return nil }
        let mask = buckets.count - 1
        var bucket = Int(truncatingIfNeeded: Self.hash(key)) & mask
        return keyBytes.withUnsafeBufferPointer { bytes in
            while true {
                let entry = Int(buckets[bucket])
                if entry < 0 { return nil }
                let start = keyStarts[entry], end = keyStarts[entry + 1]
                if end - start == key.count, key.isEmpty || bytesEqual(bytes.baseAddress! + start, key.baseAddress!, count: key.count) {
                    return values[entry]
                }
                bucket = (bucket + 1) & mask
            }
        }
    }

    /// Eight bytes per multiply; the length is mixed in so that a key and its zero-padded form differ.
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h = UInt64(bytes.count) &* multiplier
        guard let base = bytes.baseAddress else { return h }
        var index = 0
        while index + 8 <= bytes.count {
            h = (h ^ UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) &* multiplier
            h ^= h >> 29
            index += 8
        }
        if index < bytes.count {
            let tail = littleEndianWord(base + index, count: bytes.count - index)
            h = (h ^ tail) &* multiplier
            h ^= h >> 29
        }
        return h
    }
}

/// Whether `count` bytes at `a` and `b` are equal, eight at a time.
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, count: Int) -> Bool {
    var index = 0
    while index + 8 <= count {
        if UnsafeRawPointer(a + index).loadUnaligned(as: UInt64.self)
            != UnsafeRawPointer(b + index).loadUnaligned(as: UInt64.self) { return false }
        index += 8
    }
    return index == count || littleEndianWord(a + index, count: count - index) == littleEndianWord(b + index, count: count - index)
}

/// The first `min(count, 8)` bytes at `base` as a little-endian word, zero above them: at most three loads, where a
/// loop took one step a byte.
@inline(__always) func littleEndianWord(_ base: UnsafePointer<UInt8>, count: Int) -> UInt64 {
    let raw = UnsafeRawPointer(base)
    if count >= 8 { return raw.loadUnaligned(as: UInt64.self) }
    var word: UInt64 = 0, offset = 0
    if count & 4 != 0 {
        word = UInt64(raw.loadUnaligned(as: UInt32.self))
        offset = 4
    }
    if count & 2 != 0 {
        word |= UInt64(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) << UInt64(offset * 8)
        offset += 2
    }
    if count & 1 != 0 { word |= UInt64(raw.load(fromByteOffset: offset, as: UInt8.self)) << UInt64(offset * 8) }
    return word
}
