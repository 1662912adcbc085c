/// Rules for showing text that came from outside (process names, rule files, configuration) on one line:
/// which scalars must be escaped so the text can neither start a new line nor hide or reorder what an
/// operator reads, and how to cut UTF-8 on a character boundary.
public enum UntrustedText {
    /// C0 and C1 controls, DEL, line and paragraph separators, and the invisible formatting scalars a value
    /// could use to reorder or hide text: bidi marks, embeddings, overrides and isolates (U+061C, U+200E/F,
    /// U+202A–U+202E, U+2066–U+2069), zero-width and invisible characters (U+180E, U+200B–U+200D,
    /// U+2060–U+2064, U+206A–U+206F, U+FEFF), interlinear annotation (U+FFF9–U+FFFB).
    @inlinable
    static func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F..<0xA0: return true
        case 0x061C, 0x180E, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x2066...0x206F, 0xFEFF,
             0xFFF9...0xFFFB:
            return true
        default: return false
        }
    }

    /// True when `text` holds any scalar `mustEscape` names.
    static func needsEscaping(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: mustEscape)
    }

    /// `text` with every scalar `mustEscape` names written as an escape: `\n`, `\r`, `\t`,
    /// `\xNN` for the other controls below U+00A0 (ESC is `\x1b`), `\u{NNNN}` for the rest. Other text, backslashes
    /// included, is unchanged; text that needs no escape is returned as it is.
    public static func escaped(_ text: String) -> String {
        guard needsEscaping(text) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if mustEscape(scalar) { out += escape(scalar) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// The escape of one scalar that `mustEscape` names.
    static func escape(_ scalar: Unicode.Scalar) -> String {
        let v = scalar.value
        switch v {
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case 0x00..<0xA0: return "\\x" + hex(v, width: 2)
        default: return "\\u{" + hex(v, width: 4) + "}"
        }
    }

    /// The first at most `maxBytes` bytes of `text`'s UTF-8, cut before a character's first byte, never inside
    /// a multi-byte sequence.
    static func utf8Prefix(_ text: String, maxBytes: Int) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard bytes.count > maxBytes else { return bytes }
        var end = max(0, maxBytes)
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }  // bytes[end] is the first byte left out
        return Array(bytes[..<end])
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: false)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
