/// The `arch=` value of SYSCALL/SECCOMP records: an `AUDIT_ARCH_*` constant (ELF machine | 64-bit | little-endian flags).
public struct AuditArch: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Parses the hex text of an `arch=` value (`c000003e`).
    init?(_ value: AuditValue) {
        guard let arch = value.withBorrowed({ AuditArch($0) }) else { return nil }
        self = arch
    }

    /// Parses the hex text of an `arch=` value read in place.
    public init?(_ value: BorrowedValue) {
        guard let number = value.hexUInt, number <= UInt64(UInt32.max) else { return nil }
        self.rawValue = UInt32(number)
    }

    public static let x86_64 = AuditArch(rawValue: 0xc000_003e)
    static let i386 = AuditArch(rawValue: 0x4000_0003)
    public static let aarch64 = AuditArch(rawValue: 0xc000_00b7)
    static let arm = AuditArch(rawValue: 0x4000_0028)

    /// `__AUDIT_ARCH_LE`: the audited process ran little-endian.
    var isLittleEndian: Bool { rawValue & 0x4000_0000 != 0 }

    /// `__AUDIT_ARCH_64BIT`: the syscall used the 64-bit ABI.
    var is64Bit: Bool { rawValue & 0x8000_0000 != 0 }

    /// Name as go-libaudit/auditd print it (`x86_64`, `i386`, `aarch64`, …), or nil for unknown values.
    public var name: String? {
        let slots = Self.slotsByValue
        var slot = Self.slot(of: rawValue)
        while let index = slots[slot] {
            if ArchTable.entries[index].value == rawValue { return ArchTable.entries[index].name }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    /// ``ArchTable/entries`` by value in an open-addressed table (scanning the entries cost ~190 instructions, once
    /// per syscall event): an entry's index at its value's slot or the next free one after it.
    private static let slotsByValue: [Int?] = {
        var slots = [Int?](repeating: nil, count: 256)
        for (index, entry) in ArchTable.entries.enumerated() {
            var slot = slot(of: entry.value)
            while slots[slot] != nil { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = index
        }
        return slots
    }()

    private static func slot(of value: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(value) &* 0x9E37_79B9_7F4A_7C15) >> 56)
    }

    /// The syscall name for `number` on this architecture, or nil when unknown.
    public func syscallName(_ number: Int) -> String? { SyscallTables.name(arch: self, number: number) }
}
