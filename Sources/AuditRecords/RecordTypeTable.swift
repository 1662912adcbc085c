/// Audit record type numbers ↔ names (data in RecordTypeTable+Data.swift).
enum RecordTypeTable {
    /// Names by number, for the common range 1000…2999.
    private static let namesByNumber: [String?] = {
        var names = [String?](repeating: nil, count: 3000)
        for entry in entries { names[Int(entry.number)] = entry.name }
        return names
    }()

    static func name(for number: UInt16) -> String? {
        Int(number) < namesByNumber.count ? namesByNumber[Int(number)] : nil
    }

    /// The number for a type name (case-insensitive), including the `UNKNOWN[1334]` form auditd prints for
    /// numbers it has no name for. Asked once per audit.log line.
    static func number(forName name: UnsafeBufferPointer<UInt8>) -> UInt16? {
        RecordTypeNames().number(forName: name)
    }

    /// `UNKNOWN[n]` → n.
    fileprivate static func unknownNumber(_ name: UnsafeBufferPointer<UInt8>) -> UInt16? {
        let prefix = "UNKNOWN[".utf8
        guard name.count > prefix.count + 1, name.last == UInt8(ascii: "]"),
              zip(name.prefix(prefix.count), prefix).allSatisfy({ NameKey.upperCased($0) == $1 }),
              let number = Decimal.parseUInt64(name.dropFirst(prefix.count).dropLast()),
              number <= UInt64(UInt16.max) else { return nil }
        return UInt16(number)
    }

    fileprivate static let numbersByName = NameIndex(entries)
}

/// Type name → number (``RecordTypeTable/number(forName:)``) as a value a log reader keeps for its lines: reaching
/// the shared table through its lazily initialized global cost a `swift_once` call per line.
struct RecordTypeNames {
    private let index = RecordTypeTable.numbersByName

    /// The number for a type name (case-insensitive), including the `UNKNOWN[1334]` form.
    func number(forName name: UnsafeBufferPointer<UInt8>) -> UInt16? {
        index.number(for: name) ?? RecordTypeTable.unknownNumber(name)
    }
}

/// A type name's identity for lookup: its length and its first 16 bytes (upper-cased) packed in two words; the
/// bytes of longer names past the 16th are compared separately.
private struct NameKey: Equatable {
    let low: UInt64
    let high: UInt64
    let length: Int

    @inline(__always)
    init(_ name: UnsafeBufferPointer<UInt8>) {
        length = name.count
        guard let start = name.baseAddress else { low = 0; high = 0; return }
        let raw = UnsafeRawPointer(start)
        low = Self.upperCased(Self.load(raw, min(length, 8)))
        high = length > 8 ? Self.upperCased(Self.load(raw + 8, min(length - 8, 8))) : 0
    }

    /// `count` (at most 8) bytes in a word, little-endian, loaded in at most two overlapping reads within bounds.
    @inline(__always)
    private static func load(_ p: UnsafeRawPointer, _ count: Int) -> UInt64 {
        switch count {
        case 8...: return p.loadUnaligned(as: UInt64.self)
        case 4...: return UInt64(p.loadUnaligned(as: UInt32.self))
            | UInt64(p.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << (8 * (count - 4))
        case 2...: return UInt64(p.loadUnaligned(as: UInt16.self))
            | UInt64(p.loadUnaligned(fromByteOffset: count - 2, as: UInt16.self)) << (8 * (count - 2))
        case 1: return UInt64(p.load(as: UInt8.self))
        default: return 0
        }
    }

    /// `a`…`z` → `A`…`Z` in every byte of `word` at once (other bytes unchanged).
    @inline(__always)
    private static func upperCased(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let seven = word & (0x7F &* ones)  // no carry between bytes below
        let atLeastA = seven &+ (0x80 - 0x61) &* ones
        let beyondZ = seven &+ (0x80 - 0x7B) &* ones
        let isLower = atLeastA & ~beyondZ & ~word & (0x80 &* ones)
        return word &- (isLower >> 2)
    }

    @inline(__always)
    static func upperCased(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "a") < 26 ? byte &- 32 : byte
    }

    /// Mixed well in its high bits (multiplicative hashing), which pick the slot.
    var hash: UInt64 {
        (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F) ^ (UInt64(length) &* 0xFF51_AFD7_ED55_8CCD)
    }
}

/// Name → number as an open-addressed hash table (a key, a hash and usually one probe: about a tenth of the
/// binary search it replaces, asked for every line of a log). Built once, for the program's lifetime (the table
/// behind ``RecordTypeTable/numbersByName``), in plain memory: a reader keeping a copy retains nothing per line.
private struct NameIndex: @unchecked Sendable {  // its memory is written only in `init`
    private struct Slot {
        var key: NameKey?
        var number: UInt16 = 0
        /// Where the name's bytes past the 16th begin in `tails` (names longer than 16 bytes only).
        var tailStart = 0
    }

    /// A power of two at least twice the number of names, so that probe runs stay short.
    private let slots: UnsafeBufferPointer<Slot>
    /// 64 minus log2 of the slot count: the hash's top bits index the slots.
    private let shift: UInt64
    private let tails: UnsafeBufferPointer<UInt8>

    init(_ entries: [(number: UInt16, name: String)]) {
        var capacity = 1
        var bits: UInt64 = 0
        while capacity < 2 * entries.count { capacity *= 2; bits += 1 }
        shift = 64 - bits
        var slots = [Slot](repeating: Slot(), count: capacity)
        var tails: [UInt8] = []
        for entry in entries {
            let name = Array(entry.name.utf8)
            let key = name.withUnsafeBufferPointer(NameKey.init)
            var index = Int(key.hash >> shift)
            while slots[index].key != nil { index = (index + 1) & (capacity - 1) }
            slots[index] = Slot(key: key, number: entry.number, tailStart: tails.count)
            tails += name.dropFirst(16)
        }
        self.slots = UnsafeBufferPointer(Self.permanentCopy(of: slots))
        self.tails = UnsafeBufferPointer(Self.permanentCopy(of: tails))
    }

    /// `elements` in memory that is never freed.
    private static func permanentCopy<Element>(of elements: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let copy = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(1, elements.count))
        _ = copy.initialize(from: elements)
        return copy
    }

    func number(for name: UnsafeBufferPointer<UInt8>) -> UInt16? {
        guard !name.isEmpty else { return nil }
        let key = NameKey(name)
        let mask = slots.count - 1
        var index = Int(key.hash >> shift)
        while let candidate = slots[index].key {
            if candidate == key, tailMatches(name, from: slots[index].tailStart) { return slots[index].number }
            index = (index + 1) & mask
        }
        return nil
    }

    private func tailMatches(_ name: UnsafeBufferPointer<UInt8>, from tailStart: Int) -> Bool {
        var offset = tailStart
        for index in 16..<max(16, name.count) {
            if NameKey.upperCased(name[index]) != tails[offset] { return false }
            offset += 1
        }
        return true
    }
}
