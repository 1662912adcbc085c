/// One field value of a record, viewed in place over the record's bytes.
///
/// The kernel writes untrusted strings (comm, exe, cwd, PATH name, proctitle, EXECVE args, key, …) either in
/// double quotes or, when they contain a quote, a space, a control byte or a byte above 0x7e, as bare upper-case
/// hex. `decodedBytes` / `string` undo that encoding for the keys that can carry it; other values (SYSCALL
/// `a0..a3`, `arch`, `dev`, …) are returned verbatim.
struct AuditValue: Sendable {
    let storage: [UInt8]
    /// Byte range of the value inside its record, quotes excluded.
    let range: Range<Int>
    /// How the value was quoted.
    let quoting: AuditQuoting
    let keyRange: Range<Int>
    let recordType: AuditRecordType

    init(storage: [UInt8], range: Range<Int>, quoting: AuditQuoting, keyRange: Range<Int>, recordType: AuditRecordType) {
        self.storage = storage
        self.range = range
        self.quoting = quoting
        self.keyRange = keyRange
        self.recordType = recordType
    }

    /// The value's bytes exactly as logged, without quotes.
    var rawBytes: ArraySlice<UInt8> { storage[range] }

    /// The value exactly as logged, without quotes (invalid UTF-8 repaired with U+FFFD).
    var rawString: String { String(decoding: storage[range], as: UTF8.self) }

    /// True when the value is the kernel's/user space's marker for "no value": bare `(null)` or `?`, or an empty
    /// or `"?"` quoted value (the values go-libaudit drops). `tty=(none)` is a value, not a missing one.
    var isMissing: Bool {
        let raw = storage[range]
        if raw.isEmpty { return true }
        if raw.count == 1 && raw.first == UInt8(ascii: "?") { return true }
        guard quoting == .none else { return false }
        return raw.elementsEqual("(null)".utf8)
    }

    /// True when the value is bare upper-case hex of even length under a key the kernel hex-encodes.
    var isHexEncoded: Bool { withBorrowed(\.isHexEncoded) }

    /// The value's bytes with the kernel's hex encoding undone when `isHexEncoded`; otherwise `rawBytes`.
    var decodedBytes: [UInt8] { withBorrowed(\.decodedBytes) }

    /// The decoded value as text (invalid UTF-8 repaired with U+FFFD).
    var string: String {
        if isHexEncoded, let bytes = Hex.decode(storage[range]) { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: storage[range], as: UTF8.self)
    }

    /// The decoded value as text cut to `limit` bytes: see ``BorrowedValue/decodedText(limit:nulAsSpace:)``.
    func decodedText(limit: Int, nulAsSpace: Bool = false) -> (text: String, wasCut: Bool) {
        withBorrowed { $0.decodedText(limit: limit, nulAsSpace: nulAsSpace) }
    }

    /// Lends the value as a view of its record's bytes (the one implementation of the decoding rules).
    func withBorrowed<Result>(_ body: (BorrowedValue) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBufferPointer { bytes in
            try body(BorrowedValue(raw: UnsafeBufferPointer(rebasing: bytes[range]), quoting: quoting,
                                   key: UnsafeBufferPointer(rebasing: bytes[keyRange]), recordType: recordType))
        }
    }

    /// Signed decimal value (`pid=42`, `exit=-115`), or nil when not a decimal integer.
    var int: Int64? { Decimal.parseInt64(storage[range]) }

    /// Unsigned decimal value (`auid=4294967295`), or nil when not a decimal integer.
    var uint: UInt64? { Decimal.parseUInt64(storage[range]) }

    /// Value read as unprefixed hex (`arch=c000003e`, `a1=7ffed2893080`), or nil when not hex or wider than 64 bits.
    var hexUInt: UInt64? { Hex.parseUInt64(storage[range]) }

    /// Byte-wise comparison with `text` against the raw value, without allocating.
    func rawEquals(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { storage[range].elementsEqual($0) }
    }
}

/// Keys whose values the kernel (or libaudit's `audit_encode_nv_string`) may log hex-encoded.
enum HexEncodedKeys {
    /// EXECVE `aN` / `aN[i]` arguments are hex-encodable; SYSCALL `a0..a3` (register values) are not. Other
    /// records: `comm`, `ocomm`, `exe`, `cwd`, `name`, `path`, `proctitle`, `key`, `data`, `cmd`, `acct`, `grp`,
    /// told apart by length first (asked for every bare value: most keys have no candidate of their length).
    static func mayBeHex(key: UnsafeBufferPointer<UInt8>, recordType: AuditRecordType) -> Bool {
        if recordType == .execve { return key.first == UInt8(ascii: "a") && !key.equals("argc") && !isLengthKey(key) }
        if recordType == .sockaddr { return false }
        switch key.count {
        case 3: return key.equals("exe") || key.equals("cwd") || key.equals("key") || key.equals("cmd") || key.equals("grp")
        case 4: return key.equals("comm") || key.equals("name") || key.equals("path") || key.equals("data") || key.equals("acct")
        case 5: return key.equals("ocomm")
        case 9: return key.equals("proctitle")
        default: return false
        }
    }

    private static func isLengthKey(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        key.count > 4 && UnsafeBufferPointer(rebasing: key.suffix(4)).equals("_len")
    }
}
