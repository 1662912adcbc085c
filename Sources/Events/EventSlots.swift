import EventModel

/// One audit event's field values, as the normalizer and the process table write them: fixed fields by
/// ``ECSField`` (slot = the field's raw value), open fields (`auditd.data.<key>` of other keys, SELinux labels,
/// `user.<key>.*` of unusual ids) by name in ``extras``. Rules read the slots directly; a ``Document`` (names →
/// values) is built only for people and programs that read one (``document``).
///
/// A value type over one array: a rule that keeps an event (a pending sequence stage) shares it, and the next
/// event's writes copy it only then.
public struct EventSlots: Sendable {
    /// Values by slot: `ECSField.allCases.count` fixed fields first, then any further slots the detection schema
    /// asked for (``init(slotCount:)``), which the schema fills. Written through the subscripts.
    @inlinable public var values: [FieldValue] { storage }
    @usableFromInline var storage: [FieldValue]
    /// One bit per slot below ``trackedSlots`` written since the last ``clear()``, so clearing visits those alone
    /// (an event sets about 50 of the 144 fixed fields); slots above (the schema's own) are all visited.
    @usableFromInline var written: (UInt64, UInt64, UInt64) = (0, 0, 0)
    @usableFromInline static let trackedSlots = 192
    /// Open fields in the order they were written.
    var extras: [(name: String, value: FieldValue)] = []
    /// Slots of the fixed fields.
    public static let fixedCount = ECSField.allCases.count

    /// An event with no field set and `slotCount` slots (at least the fixed fields').
    init(slotCount: Int = EventSlots.fixedCount) {
        let count = max(slotCount, Self.fixedCount)
        // Storing the `.null` constant in a plain loop: `Array(repeating:count:)` copied the value through its
        // outlined copy once per slot (~16 instructions a slot, every event).
        storage = [FieldValue](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            for index in 0..<count { (buffer.baseAddress! + index).initialize(to: .null) }
            initializedCount = count
        }
    }

    /// The process table's own fields (``ECSField/firstProcessTableField`` up to the file fields) that a
    /// ``clear(holdingEnrichment:)`` left in place: logically unset, they still hold the last enrichment's values,
    /// so the next enrichment keeps those it writes again unchanged (the same string or array storage) instead of
    /// releasing each value here and retaining it again there; ``releaseHeld()`` unsets the others. Bit `n`: slot
    /// `heldRange.lowerBound + n`.
    @usableFromInline var held: UInt64 = 0
    /// A constant, not a stored `static let`: reaching one from the enricher's inlined writes went through its
    /// lazy initializer each time. (``ECSField/firstProcessTableField`` is `processEntityId`: checked by a test.)
    @inlinable static var heldRange: Range<Int> { ECSField.processEntityId.rawValue..<ECSField.fileName.rawValue }

    /// What the process table's own fields hold, as the enrichment that wrote them stamped it (``stampHeld(_:)``: a
    /// number it gives each rendering of a process and its parent), 0 when unknown. One word: a larger struct made
    /// the pipeline copy its slots. Kept by
    /// ``clear(holdingEnrichment:)`` with the held fields, so an event of the same, unchanged process keeps them
    /// all at once (``Writer/keepsStamped(_:except:)``); dropped when held fields are released or one of those
    /// fields is set through the subscripts.
    @usableFromInline var heldStamp: UInt64 = 0

    /// ``held``'s bit of `slot`, 0 outside ``heldRange``.
    @inlinable @inline(__always) public static func heldBit(_ slot: Int) -> UInt64 {
        let offset = slot &- heldRange.lowerBound
        return offset >= 0 && offset < heldRange.count ? 1 &<< UInt64(offset) : 0
    }

    /// ``clear()``, except that with `holdingEnrichment` the process table's own fields stay in place, held
    /// (``held``) for the next enrichment, which keeps or replaces each and unsets the rest (``releaseHeld()``).
    /// Until then the slots are incomplete: only the normalizer writes (none of those fields) and ``isEmpty`` (which
    /// ignores them) may come between. The pipeline's hot path: a process's events come together, and its session,
    /// entry and group leaders are those of its neighbours.
    public mutating func clear(holdingEnrichment: Bool) {
        if held != 0 { releaseHeld() }  // an enrichment left undone: its stamp goes too
        guard holdingEnrichment else { return clearWritten() }
        var written = self.written
        // The range straddles words 1 and 2 (checked by `HeldEnrichmentTests`).
        let low = Self.heldRange.lowerBound, high = Self.heldRange.upperBound
        let mask1 = ~UInt64(0) &<< UInt64(low - 64), mask2 = (UInt64(1) &<< UInt64(high - 128)) &- 1
        held = (written.1 & mask1) &>> UInt64(low - 64) | (written.2 & mask2) &<< UInt64(128 - low)
        written.1 &= ~mask1
        written.2 &= ~mask2
        self.written = written
        clearWritten()
    }

    /// Stamps what the held fields hold (``heldStamp``), after ``releaseHeld()``: an enrichment is done.
    public mutating func stampHeld(_ stamp: UInt64) {
        heldStamp = stamp
    }

    /// Unsets the fields still held (``clear(holdingEnrichment:)``): the enrichment did not write them again, or
    /// there was none.
    public mutating func releaseHeld() {
        heldStamp = 0
        guard held != 0 else { return }
        var bits = held
        held = 0
        storage.withUnsafeMutableBufferPointer { slots in
            while bits != 0 {
                slots[Self.heldRange.lowerBound &+ bits.trailingZeroBitCount] = .null
                bits &= bits &- 1
            }
        }
    }

    /// Back to no field set, keeping the storage for the next event: allocating the array, filling it with `.null`
    /// and destroying every slot cost several thousand instructions an event. Slots a retained copy still shares
    /// are copied first (copy on write), so a rule that keeps an event keeps its values.
    public mutating func clear() {
        heldStamp = 0
        clear(holdingEnrichment: false)
    }

    private mutating func clearWritten() {
        let written = self.written
        self.written = (0, 0, 0)
        storage.withUnsafeMutableBufferPointer { slots in
            func clear(_ bits: UInt64, from first: Int) {
                var word = bits
                while word != 0 {
                    slots[first &+ word.trailingZeroBitCount] = .null
                    word &= word &- 1
                }
            }
            clear(written.0, from: 0)
            clear(written.1, from: 64)
            clear(written.2, from: 128)
            for index in min(Self.trackedSlots, slots.count)..<slots.count where !slots[index].isNull {
                slots[index] = .null
            }
        }
        extras.removeAll(keepingCapacity: true)
    }

    /// Grows the array to `count` slots (the schema's own, after the sources' fixed ones) and copies into them the
    /// open fields (``extras``) that `slotByName` gives a slot.
    public mutating func extend(toSlotCount count: Int, placingExtras slotByName: [String: Int] = [:]) {
        if storage.count < count {
            storage.append(contentsOf: repeatElement(.null, count: count - storage.count))
        }
        guard !slotByName.isEmpty else { return }
        for extra in extras {
            if let slot = slotByName[extra.name] { self[slot: slot] = extra.value }
        }
    }

    /// The value of slot `slot` (`.null` when unset); setting `.null` clears it.
    @inlinable public subscript(slot slot: Int) -> FieldValue {
        get { storage[slot] }
        @inline(__always) set {
            storage[slot] = newValue
            Self.mark(slot, in: &written)
            if Self.heldBit(slot) != 0 { heldStamp = 0 }  // not the stamped enrichment's value any more
        }
    }

    /// Stores `value` in `slot`, releasing the old value only when it holds a reference: assigning released every
    /// old value through a call, though most are `.null` (a write after ``clear()``).
    /// `value` is consumed (moved into the slot): a borrowed one was copied twice and released once per write.
    @inlinable @inline(__always) static func store(_ value: consuming FieldValue, at slot: UnsafeMutablePointer<FieldValue>) {
        switch slot.pointee {
        case .null, .bool, .int, .double: slot.initialize(to: consume value)  // nothing to release: overwritten in place
        case .string, .array, .object: slot.pointee = consume value
        }
    }

    /// Notes a write to `slot` for ``clear()``.
    @inlinable @inline(__always) static func mark(_ slot: Int, in written: inout (UInt64, UInt64, UInt64)) {
        let bit: UInt64 = 1 &<< UInt64(slot & 63)
        switch slot &>> 6 {
        case 0: written.0 |= bit
        case 1: written.1 |= bit
        case 2: written.2 |= bit
        default: break  // above the tracked slots: `clear` visits every one
        }
    }

    /// Writes straight into the storage, for a producer of many fields (the process table writes ~50 an event):
    /// one uniqueness check of the array for them all instead of one each. Each write is noted for ``clear()`` as
    /// the subscripts note theirs. Valid only inside ``withWriter(_:)``.
    public struct Writer {
        @usableFromInline let values: UnsafeMutableBufferPointer<FieldValue>
        @usableFromInline let written: UnsafeMutablePointer<(UInt64, UInt64, UInt64)>
        @usableFromInline let held: UnsafeMutablePointer<UInt64>
        @usableFromInline let heldStamp: UnsafeMutablePointer<UInt64>

        /// Whether the field holds a value (a held one counts as unset).
        @inlinable @inline(__always) public func isSet(_ field: ECSField) -> Bool {
            !values[field.rawValue].isNull && held.pointee & EventSlots.heldBit(field.rawValue) == 0
        }

        /// Whether `field` was held (``EventSlots/clear(holdingEnrichment:)``) with `text`'s very string
        /// (``FieldValue/isString(identicalTo:)``): then it is kept as written. Either way it is no longer held (a
        /// write replaces the old value).
        @inlinable @inline(__always) public func keepsHeld(_ field: ECSField, string text: String) -> Bool {
            guard unhold(field), values[field.rawValue].isString(identicalTo: text) else { return false }
            EventSlots.mark(field.rawValue, in: &written.pointee)
            return true
        }

        /// ``keepsHeld(_:string:)`` for the very array `elements`.
        @inlinable @inline(__always) public func keepsHeld(_ field: ECSField, array elements: [FieldValue]) -> Bool {
            guard unhold(field), values[field.rawValue].isArray(identicalTo: elements) else { return false }
            EventSlots.mark(field.rawValue, in: &written.pointee)
            return true
        }

        /// ``keepsHeld(_:string:)`` for `value` (``FieldValue/isIdentical(to:)``).
        @inlinable @inline(__always) public func keepsHeld(_ field: ECSField, value: FieldValue) -> Bool {
            guard unhold(field), values[field.rawValue].isIdentical(to: value) else { return false }
            EventSlots.mark(field.rawValue, in: &written.pointee)
            return true
        }

        @inlinable @inline(__always) public func set(_ field: ECSField, _ value: consuming FieldValue) {
            EventSlots.store(consume value, at: values.baseAddress! + field.rawValue)
            EventSlots.mark(field.rawValue, in: &written.pointee)
        }

        /// Whether the held fields hold what `stamp` names (``EventSlots/heldStamp``): then all of them but those
        /// in `except` (bits as ``EventSlots/heldBit(_:)``'s) are kept as written, and those stay held for the
        /// caller to keep, replace or leave (to be released).
        @inlinable @inline(__always) public func keepsStamped(_ stamp: UInt64, except: UInt64) -> Bool {
            guard stamp != 0, heldStamp.pointee == stamp else { return false }
            let kept = held.pointee & ~except
            held.pointee &= except
            let low = UInt64(EventSlots.heldRange.lowerBound)
            written.pointee.1 |= kept &<< (low &- 64)
            written.pointee.2 |= kept &>> (128 &- low)
            return true
        }

        /// Whether `field` was held; no longer.
        @inlinable @inline(__always) func unhold(_ field: ECSField) -> Bool {
            let bit = EventSlots.heldBit(field.rawValue)
            guard held.pointee & bit != 0 else { return false }
            held.pointee &= ~bit
            return true
        }
    }

    /// Calls `body` with a ``Writer`` over these slots.
    public mutating func withWriter<Result>(_ body: (Writer) -> Result) -> Result {
        storage.withUnsafeMutableBufferPointer { values in
            withUnsafeMutablePointer(to: &written) { written in
                withUnsafeMutablePointer(to: &held) { held in
                    withUnsafeMutablePointer(to: &heldStamp) {
                        body(Writer(values: values, written: written, held: held, heldStamp: $0))
                    }
                }
            }
        }
    }

    /// A fixed field's value (`.null` when unset); setting `.null` clears it.
    @inlinable public subscript(field: ECSField) -> FieldValue {
        get { storage[field.rawValue] }
        @inline(__always) set { self[slot: field.rawValue] = newValue }
    }

    /// Whether the field holds a value.
    @inlinable public func has(_ field: ECSField) -> Bool { !storage[field.rawValue].isNull }

    /// Sets a field by name: a fixed one by its slot, any other as an open field (rare names only: this hashes).
    mutating func set(named name: String, _ value: FieldValue) {
        if let field = ECSField(name: name) { self[field] = value } else { extras.append((name, value)) }
    }

    /// True when no field is set (held ones, ``clear(holdingEnrichment:)``, are not). Only the slots written since
    /// the last clear are looked at: every write is noted (``written``), held slots are not, and the clear unset
    /// every other (scanning all the fixed slots cost ~70 instructions an event).
    public var isEmpty: Bool {
        guard extras.isEmpty else { return false }
        func anySet(_ bits: UInt64, from first: Int) -> Bool {
            var word = bits
            while word != 0 {
                let slot = first &+ word.trailingZeroBitCount
                if slot < Self.fixedCount, !storage[slot].isNull { return true }
                word &= word &- 1
            }
            return false
        }
        return !anySet(written.0, from: 0) && !anySet(written.1, from: 64) && !anySet(written.2, from: 128)
    }

    /// The document: fixed fields in ``ECSField`` order, then the open fields.
    public func document() -> Document {
        var fields: [(name: String, value: FieldValue)] = []
        fields.reserveCapacity(96)
        for field in ECSField.allCases where !values[field.rawValue].isNull {
            fields.append((field.name, values[field.rawValue]))
        }
        fields.append(contentsOf: extras)
        return Document(fields: fields)
    }

    /// The slots of a document (tests and JSON input): fixed names to their slots, the rest as open fields.
    public init(document: Document, slotCount: Int = EventSlots.fixedCount) {
        self.init(slotCount: slotCount)
        for field in document.fields { set(named: field.name, field.value) }
    }
}

/// What the process table needs from an event's SYSCALL record, read in the normalizer's single pass over its keys:
/// integers where the table computes, raw text where it copies (last occurrence of a key wins, as a scan would).
public struct SyscallIdentity: Sendable, Equatable {
    public var pid: Int64?
    public var parentPid: Int64?
    /// `success=yes`.
    public var success = false
    public var exit: Int64?
    /// First syscall argument (clone flags).
    public var a0: UInt64?
    public var userID: String?, effectiveUserID: String?, groupID: String?, effectiveGroupID: String?
    public var tty: String?

    public init() {}

    /// Sets the raw text of one of the keys taken as text (``KnownKey/isNotedAsText``).
    mutating func setText(of key: KnownKey, _ text: String) {
        switch key {
        case .uid: userID = text
        case .euid: effectiveUserID = text
        case .gid: groupID = text
        case .egid: effectiveGroupID = text
        case .tty: tty = text
        default: break
        }
    }
}

extension FieldValue {
    /// Whether this is `text`'s very string (bit for bit: the same storage, or the same small string), compared
    /// without reading or retaining the text; equal text in other storage counts as different.
    @inlinable @inline(__always) public func isString(identicalTo text: String) -> Bool {
        guard case .string(let own) = self else { return false }
        return own.isIdentical(to: text)
    }

    /// Whether this is `.array` of `elements`' very storage (which nothing can change while both share it).
    @inlinable @inline(__always) public func isArray(identicalTo elements: [FieldValue]) -> Bool {
        guard case .array(let own) = self else { return false }
        return unsafeBitCast(own, to: UInt.self) == unsafeBitCast(elements, to: UInt.self)
    }

    /// Whether this is `other` bit for bit: the same scalar, or the same string or array storage (``isString(identicalTo:)``).
    @inlinable @inline(__always) public func isIdentical(to other: FieldValue) -> Bool {
        switch other {
        case .null: return isNull
        case .bool(let value): if case .bool(let own) = self { return own == value } else { return false }
        case .int(let value): if case .int(let own) = self { return own == value } else { return false }
        case .string(let text): return isString(identicalTo: text)
        case .array(let elements): return isArray(identicalTo: elements)
        case .double, .object: return false  // the process table writes neither
        }
    }
}

extension String {
    /// Whether this is `other` bit for bit: the same storage, or the same small string (so the same bytes). Equal
    /// text in other storage counts as different: nothing is read, nothing retained, and no Unicode equivalence.
    @inlinable @inline(__always) public func isIdentical(to other: String) -> Bool {
        unsafeBitCast(self, to: (UInt64, UInt64).self) == unsafeBitCast(other, to: (UInt64, UInt64).self)
    }
}
