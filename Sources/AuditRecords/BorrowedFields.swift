#if canImport(Glibc)
import Glibc
#endif

/// A record's fields lent as unsafe views of its bytes for the length of one call
/// (``AuditRecord/withBorrowedFields(_:)``): per-field loops (the normalizer reads every field of every record)
/// get keys and values as byte ranges with no retain and release of the record's array per field.
/// The accessors are inlinable: a call per field would cost more than the read itself.
public struct BorrowedFields {
    @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
    /// The record's field table (``AuditField``s stored after its bytes), read with raw loads.
    @usableFromInline let fieldTable: UnsafeRawPointer?
    @usableFromInline let fieldCount: Int
    @usableFromInline let recordType: AuditRecordType

    init(bytes: UnsafeBufferPointer<UInt8>, fieldTable: UnsafeRawPointer?, count: Int, recordType: AuditRecordType) {
        self.bytes = bytes
        self.fieldTable = fieldTable
        fieldCount = count
        self.recordType = recordType
    }

    /// Number of fields (`AuditRecord.fieldCount`).
    @inlinable public var count: Int { fieldCount }

    /// Length of the record's bytes: no value of the record is longer.
    @inlinable public var byteCount: Int { bytes.count }

    /// The table entry of field `index` (checked in debug builds only, like an unsafe buffer's subscript).
    @inlinable func field(at index: Int) -> AuditField {
        assert(index >= 0 && index < count, "field index out of range")
        return fieldTable.unsafelyUnwrapped.load(fromByteOffset: index &* MemoryLayout<AuditField>.stride, as: AuditField.self)
    }

    /// The key of field `index`, as logged.
    @inlinable public func key(at index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[field(at: index).keyRange])
    }

    /// The key of field `index` as a string (`old auid` reads `old_auid`), as `AuditRecord.keyString(at:)`.
    public func keyString(at index: Int) -> String { Self.keyString(key(at: index)) }

    /// The value of field `index`.
    @inlinable public func value(at index: Int) -> BorrowedValue {
        let field = field(at: index)
        return BorrowedValue(raw: UnsafeBufferPointer(rebasing: bytes[field.valueRange]), quoting: field.quoting,
                             key: UnsafeBufferPointer(rebasing: bytes[field.keyRange]), recordType: recordType)
    }

    /// A key's bytes as a string, a stored space (old LOGIN `old auid=`) read as `_`.
    static func keyString<Bytes: Collection<UInt8>>(_ key: Bytes) -> String {
        guard key.contains(UInt8(ascii: " ")) else { return String(decoding: key, as: UTF8.self) }
        return String(decoding: key.map { $0 == UInt8(ascii: " ") ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }
}

/// One field value viewed in its record's bytes, valid only inside ``AuditRecord/withBorrowedFields(_:)``: the
/// one implementation of what ``AuditValue`` answers (which lends itself as one of these).
public struct BorrowedValue {
    /// The value's bytes exactly as logged, without quotes.
    public let raw: UnsafeBufferPointer<UInt8>
    /// How the value was quoted.
    public let quoting: AuditQuoting
    @usableFromInline let key: UnsafeBufferPointer<UInt8>
    @usableFromInline let recordType: AuditRecordType

    @usableFromInline
    init(raw: UnsafeBufferPointer<UInt8>, quoting: AuditQuoting, key: UnsafeBufferPointer<UInt8>, recordType: AuditRecordType) {
        self.raw = raw
        self.quoting = quoting
        self.key = key
        self.recordType = recordType
    }

    /// The value exactly as logged, without quotes (invalid UTF-8 repaired with U+FFFD).
    public var rawString: String { Self.text(raw) }

    /// `String(decoding: bytes, as: UTF8.self)`, built by copying the bytes into the string's storage: for the
    /// short values most fields hold, the standard path's separate validation costs more than the copy.
    @usableFromInline static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: bytes.count) { out in
            out.baseAddress!.initialize(from: source, count: bytes.count)
            return bytes.count
        }
    }

    /// True when the value is bare upper-case hex of even length under a key the kernel hex-encodes.
    var isHexEncoded: Bool {
        quoting == .none && HexEncodedKeys.mayBeHex(key: key, recordType: recordType) && Hex.isEncodedString(raw)
    }

    /// The value's bytes with the kernel's hex encoding undone when ``isHexEncoded``; otherwise the raw bytes.
    var decodedBytes: [UInt8] {
        guard isHexEncoded else { return Array(raw) }
        return [UInt8](unsafeUninitializedCapacity: raw.count / 2) { out, count in
            Hex.decodeValidated(raw, into: out)
            count = raw.count / 2
        }
    }

    /// Signed decimal value (`pid=42`, `exit=-115`), or nil when not a decimal integer.
    public var int: Int64? { Decimal.parseInt64(raw) }

    /// Unsigned decimal value (`auid=4294967295`), or nil when not a decimal integer.
    var uint: UInt64? { Decimal.parseUInt64(raw) }

    /// Value read as unprefixed hex (`arch=c000003e`, `a1=7ffed2893080`), or nil when not hex or wider than 64 bits.
    public var hexUInt: UInt64? { Hex.parseUInt64(raw) }

    /// Whether ``decodedText(limit:nulAsSpace:)`` would cut the value, decided without decoding it: a value the
    /// normalizer skips (no rule reads it) still counts as cut, so the counters do not depend on the rules.
    public func wouldBeCut(limit: Int, nulAsSpace: Bool = false) -> Bool {
        guard raw.count > limit else { return false }  // decoding never lengthens a value
        let isHex = isHexEncoded
        if !isHex, !nulAsSpace { return raw.count > limit }
        var count = isHex ? raw.count / 2 : raw.count
        guard count > limit else { return false }  // dropping trailing NULs only shortens it
        if nulAsSpace {
            if isHex {
                while count > 0, raw[2 * count - 2] == UInt8(ascii: "0"), raw[2 * count - 1] == UInt8(ascii: "0") {
                    count -= 1
                }
            } else {
                while count > 0, raw[count - 1] == 0 { count -= 1 }
            }
        }
        return count > limit
    }

    /// The decoded value as text (invalid UTF-8 repaired with U+FFFD), cut to `limit` bytes (`wasCut` says so),
    /// written straight from the record's bytes into the string's storage: no intermediate array.
    /// `nulAsSpace` (proctitle, exe, where NUL separates argv) drops trailing NULs and shows the others as spaces,
    /// as go-libaudit does; the cut applies after that.
    public func decodedText(limit: Int, nulAsSpace: Bool = false) -> (text: String, wasCut: Bool) {
        let isHex = isHexEncoded
        // A value with no NUL shows none as a space (an `exe=` path: one search, then the plain copy).
        if !isHex, !nulAsSpace || raw.isEmpty || memchr(raw.baseAddress!, 0, raw.count) == nil {
            guard raw.count > limit else { return (Self.text(raw), false) }
            return (Self.text(UnsafeBufferPointer(rebasing: raw.prefix(limit))), true)
        }
        var wasCut = false
        let decodedCount = isHex ? raw.count / 2 : raw.count
        let text = String(unsafeUninitializedCapacity: decodedCount) { out in
            if isHex { Hex.decodeValidated(raw, into: out) } else { _ = out.initialize(from: raw) }
            var count = decodedCount
            if nulAsSpace { while count > 0, out[count - 1] == 0 { count -= 1 } }
            if count > limit {
                count = limit
                wasCut = true
            }
            if nulAsSpace { for index in 0..<count where out[index] == 0 { out[index] = UInt8(ascii: " ") } }
            return count
        }
        return (text, wasCut)
    }
}

extension AuditRecord {
    /// Calls `body` with the record's fields as views of its bytes, which must not escape the call.
    public func withBorrowedFields<Result>(_ body: (BorrowedFields) throws -> Result) rethrows -> Result {
        try withStorage { bytes, fieldTable in
            try body(BorrowedFields(bytes: bytes, fieldTable: fieldTable, count: fieldCount, recordType: type))
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes spell `literal` exactly (one length check and a memcmp: no String, no iterator).
    public func equals(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        guard count > 0 else { return true }
        return literal.withUTF8Buffer { memcmp(baseAddress!, $0.baseAddress!, count) == 0 }
    }
}
