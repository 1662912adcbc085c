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
    public var name: String? { ArchTable.name(for: rawValue) }

    /// The syscall name for `number` on this architecture, or nil when unknown.
    public func syscallName(_ number: Int) -> String? { SyscallTables.name(arch: self, number: number) }
}
