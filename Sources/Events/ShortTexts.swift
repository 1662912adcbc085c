/// The texts of short values seen in earlier events, found again by their bytes: a syscall event's arguments and ids
/// (`a0=3`, `uid=0`) repeat from event to event, and finding the `String` made before costs a fifth of making it.
/// Holds at most ``slotCount`` texts, one per slot of a direct-mapped table (a newer value replaces an older one with
/// the same slot); a disabled table finds nothing and keeps nothing.
///
/// Only for values whose text is their bytes as they are (not hex-encoded, no NULs to show as spaces): the caller
/// says which.
struct ShortTexts {
    /// Longest value kept: a text this short is stored inline in its `String`.
    static let maxLength = 15
    private var entries: [Entry]

    private struct Entry {
        /// The value's bytes, little-endian: the first eight, then the rest with the length in the top byte.
        var head: UInt64 = 0, tail: UInt64 = 0
        var text = ""
    }

    /// A table of `slotCount` slots (a power of two), or a disabled one for 0.
    init(slotCount: Int) {
        precondition(slotCount == 0 || slotCount.nonzeroBitCount == 1, "a power of two")
        entries = Array(repeating: Entry(), count: slotCount)
    }

    /// Finds nothing and keeps nothing.
    static let disabled = ShortTexts(slotCount: 0)

    /// The text of `bytes` (at most ``maxLength`` of them, at least one), made by `make` unless found.
    mutating func text(of bytes: UnsafeBufferPointer<UInt8>, make: () -> String) -> String {
        guard !entries.isEmpty, let base = bytes.baseAddress, bytes.count > 0, bytes.count <= Self.maxLength else {
            return make()
        }
        let raw = UnsafeRawPointer(base)
        let head = bytes.count <= 8 ? ByteWord.load(raw, count: bytes.count) : raw.loadUnaligned(as: UInt64.self)
        let rest = bytes.count > 8 ? ByteWord.load(raw + 8, count: bytes.count - 8) : 0
        let tail = rest | UInt64(bytes.count) << 56
        let slot = Int(truncatingIfNeeded: ((head ^ tail &* 0x9E37_79B9_7F4A_7C15) &* 0xC2B2_AE3D_27D4_EB4F) >> 54)
            & (entries.count - 1)
        if entries[slot].head == head, entries[slot].tail == tail { return entries[slot].text }
        let text = make()
        entries[slot] = Entry(head: head, tail: tail, text: text)
        return text
    }
}
