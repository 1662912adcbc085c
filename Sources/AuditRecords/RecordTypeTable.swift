/// Audit record type numbers ↔ names (data in RecordTypeTable+Data.swift).
enum RecordTypeTable {
    /// Names by number, for the common range 1000…2999.
    private static let namesByNumber: [String?] = {
        var names = [String?](repeating: nil, count: 3000)
        for entry in entries { names[Int(entry.number)] = entry.name }
        return names
    }()

    /// Upper-case names as bytes with their numbers, sorted by name for binary search.
    private static let numbersByName: [(name: [UInt8], number: UInt16)] = entries
        .map { (Array($0.name.utf8), $0.number) }
        .sorted { $0.name.lexicographicallyPrecedes($1.name) }

    static func name(for number: UInt16) -> String? {
        Int(number) < namesByNumber.count ? namesByNumber[Int(number)] : nil
    }

    /// The number for a type name (case-insensitive), including the `UNKNOWN[1334]` form auditd prints for
    /// numbers it has no name for.
    static func number(forName name: ArraySlice<UInt8>) -> UInt16? {
        if let packed = packed(name), let hit = frequent.first(where: { $0.packed == packed }) { return hit.number }
        if let number = unknownNumber(name) { return number }
        return searchByName(name)
    }

    private static func searchByName(_ name: ArraySlice<UInt8>) -> UInt16? {
        var low = 0
        var high = numbersByName.count - 1
        while low <= high {
            let mid = (low + high) / 2
            switch compareUppercased(name, numbersByName[mid].name) {
            case 0: return numbersByName[mid].number
            case ..<0: high = mid - 1
            default: low = mid + 1
            }
        }
        return nil
    }

    /// The types of nearly every record of a syscall event, by their packed names: two compares each instead of
    /// a binary search (about 600 instructions a record).
    private static let frequent: [(packed: PackedName, number: UInt16)] = [
        "SYSCALL", "PROCTITLE", "PATH", "CWD", "SOCKADDR", "EXECVE", "BPRM_FCAPS", "EOE",
    ].compactMap { name in
        let bytes = Array(name.utf8)[...]
        guard let packed = packed(bytes) else { return nil }
        return searchByName(bytes).map { (packed, $0) }
    }

    private struct PackedName: Equatable {
        var low: UInt64 = 0, high: UInt64 = 0
    }

    /// Up to 16 bytes of a name as logged (upper case, digits, `_`) in two integers; nil for anything else.
    private static func packed(_ name: ArraySlice<UInt8>) -> PackedName? {
        guard !name.isEmpty, name.count <= 16 else { return nil }
        var packed = PackedName()
        for (offset, byte) in name.enumerated() {
            guard (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_") else { return nil }
            if offset < 8 { packed.low |= UInt64(byte) << (8 * offset) } else { packed.high |= UInt64(byte) << (8 * (offset - 8)) }
        }
        return packed
    }

    /// `UNKNOWN[n]` → n.
    private static func unknownNumber(_ name: ArraySlice<UInt8>) -> UInt16? {
        let prefix = "UNKNOWN[".utf8
        guard name.count > prefix.count + 1, name.last == UInt8(ascii: "]"),
              compareUppercased(name.prefix(prefix.count), Array(prefix)) == 0,
              let number = Decimal.parseUInt64(name.dropFirst(prefix.count).dropLast()),
              number <= UInt64(UInt16.max) else { return nil }
        return UInt16(number)
    }

    /// Three-way comparison of `bytes` (folded to upper case) with an upper-case name.
    private static func compareUppercased(_ bytes: ArraySlice<UInt8>, _ name: [UInt8]) -> Int {
        var i = bytes.startIndex
        var j = 0
        while i < bytes.endIndex && j < name.count {
            var b = bytes[i]
            if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { b -= 32 }
            if b != name[j] { return Int(b) - Int(name[j]) }
            i += 1
            j += 1
        }
        return (bytes.endIndex - i) - (name.count - j)
    }
}
