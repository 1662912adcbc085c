/// Counts per audit record type, for status and metrics: audit types are below 4096, so counting is an array
/// increment (the last slot counts anything above).
public struct RecordTypeCounts: Sendable, Equatable {
    private static let slots = 4096
    private var counts = [UInt64](repeating: 0, count: slots + 1)

    public init() {}

    public mutating func count(_ type: UInt16) {
        counts[min(Int(type), Self.slots)] &+= 1
    }

    /// The types counted, by name (`SYSCALL`, `EXECVE`, `UNKNOWN[…]`; 4096 and above as `OTHER`), in type order.
    public var byName: [(type: String, count: UInt64)] {
        counts.indices.compactMap { index in
            guard counts[index] > 0 else { return nil }
            return (index == Self.slots ? "OTHER" : AuditRecordType(UInt16(index)).name, counts[index])
        }
    }
}
