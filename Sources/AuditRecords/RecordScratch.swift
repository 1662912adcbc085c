/// Room in which a record's storage is assembled — its bytes, then its field table (``AuditRecord``'s layout) — and
/// copied out in one exactly sized array: one allocation per record. A reader keeps one from record to record (a
/// fresh buffer per record cost a heap allocation and its release); parsing a single record borrows temporary
/// space instead.
struct RecordScratch {
    /// Empty for a single record; otherwise kept, and doubled when a record needs more.
    private var room: [UInt8]

    /// For parsing a single record.
    init() { room = [] }

    /// For a reader, with `byteCount` bytes of room to begin with.
    init(reserving byteCount: Int) {
        room = [UInt8](repeating: 0, count: max(1, byteCount))
    }

    /// The storage of a record of `bytes`: copies them, lends room for `fieldCapacity` fields after them to `fill`,
    /// which returns how many it wrote, and returns the bytes and those fields as one array.
    mutating func assemble(bytes: UnsafeBufferPointer<UInt8>, fieldCapacity: Int,
                           _ fill: (UnsafeMutableBufferPointer<AuditField>) -> Int) -> (storage: [UInt8], fieldCount: Int) {
        let tableOffset = AuditRecord.fieldTableOffset(byteCount: bytes.count)
        // At least one field's room: the padding's zero word below may then write past `tableOffset`.
        let needed = tableOffset + max(1, fieldCapacity) * MemoryLayout<AuditField>.stride
        if room.isEmpty {
            return withUnsafeTemporaryAllocation(byteCount: needed, alignment: MemoryLayout<AuditField>.alignment) {
                _ = $0.bindMemory(to: UInt8.self)
                return Self.assemble(bytes: bytes, fieldCapacity: fieldCapacity, in: $0.baseAddress!, fill)
            }
        }
        if room.count < needed { self = RecordScratch(reserving: max(needed, 2 * room.count)) }
        return room.withUnsafeMutableBytes { Self.assemble(bytes: bytes, fieldCapacity: fieldCapacity, in: $0.baseAddress!, fill) }
    }

    private static func assemble(bytes: UnsafeBufferPointer<UInt8>, fieldCapacity: Int, in room: UnsafeMutableRawPointer,
                                 _ fill: (UnsafeMutableBufferPointer<AuditField>) -> Int) -> (storage: [UInt8], fieldCount: Int) {
        if let source = bytes.baseAddress { room.copyMemory(from: source, byteCount: bytes.count) }
        let tableOffset = AuditRecord.fieldTableOffset(byteCount: bytes.count)
        // The up to three bytes of padding before the table, zeroed by one word store (a memset call cost ~25
        // instructions); what it writes past them is the table's room.
        (room + bytes.count).storeBytes(of: 0, as: UInt32.self)
        // The table is written as fields only inside `fill`; the image is then copied out as bytes.
        let fieldCount = (room + tableOffset).withMemoryRebound(to: AuditField.self, capacity: fieldCapacity) {
            fill(UnsafeMutableBufferPointer(start: $0, count: fieldCapacity))
        }
        let image = UnsafeRawBufferPointer(start: room, count: tableOffset + fieldCount * MemoryLayout<AuditField>.stride)
        // Array(_:) of a buffer is the specialized copy (the unsafeUninitializedCapacity and repeating initializers
        // took an unspecialized allocation path costing ~580 instructions).
        return (Array(image.bindMemory(to: UInt8.self)), fieldCount)
    }
}
