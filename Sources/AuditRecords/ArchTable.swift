/// AUDIT_ARCH_* values (linux/audit.h, linux/elf-em.h) and the names auditd's `audit_machine` table uses.
enum ArchTable {
    static let entries: [(UInt32, String)] = [
        (0xc000_003e, "x86_64"), (0x4000_0003, "i386"), (0xc000_00b7, "aarch64"), (0x4000_0028, "arm"),
    ]

    static func name(for value: UInt32) -> String? { entries.first { $0.0 == value }?.1 }
}
