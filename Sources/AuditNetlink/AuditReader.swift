#if canImport(Glibc)
import Glibc
#endif
import CAuditNetlink

/// One audit record as the kernel sent it: the netlink message type and the record text (without the
/// netlink header). `payload` points into the reader's buffer and is valid only inside the callback.
struct AuditMessage {
    let type: UInt16
    let payload: UnsafeRawBufferPointer
}

/// Receive counters of a reader, cumulative since it was opened.
public struct ReceiveCounters: Equatable, Sendable {
    public var datagrams: UInt64 = 0
    public var messages: UInt64 = 0
    /// ENOBUFS reports: the socket buffer overflowed and the kernel dropped datagrams (multicast loss shows
    /// only here; unicast overflow is re-queued by the kernel and counted in `lost` if it overflows too).
    public var enobufs: UInt64 = 0
    public var truncated: UInt64 = 0
    var spoofed: UInt64 = 0

    init() {}

    init(_ raw: auspex_nl_counters) {
        datagrams = raw.datagrams
        messages = raw.messages
        enobufs = raw.enobufs
        truncated = raw.truncated
        spoofed = raw.spoofed
    }
}

/// Drains a netlink audit socket in batches: one recvmmsg per wake-up into one reused buffer, each message
/// handed to the caller as a slice of that buffer (no allocation per message).
final class AuditReader {
    let socket: AuditSocket
    private let batch: OpaquePointer

    /// Large enough for the biggest audit record (MAX_AUDIT_MESSAGE_LENGTH 8970 + header), rounded up.
    static let slotBytes: UInt32 = 12 * 1024

    /// - Parameters:
    ///   - socket: a unicast socket registered as the audit daemon, or a multicast socket.
    ///   - slots: datagrams taken per receive call.
    init(socket: AuditSocket, slots: UInt32 = 128) throws(AuditNetlinkError) {
        guard let batch = auspex_nl_batch_create(max(slots, 1), Self.slotBytes) else {
            throw .system(operation: "allocate receive batch", errno: ENOMEM)
        }
        self.socket = socket
        self.batch = batch
    }

    deinit { auspex_nl_batch_destroy(batch) }

    var counters: ReceiveCounters { ReceiveCounters(auspex_nl_batch_counters(batch)) }

    /// Waits up to `timeoutMilliseconds` for records (returning early when `wakeDescriptor` becomes readable),
    /// then hands every queued message to `body`. Returns the number of messages (0 on timeout or wake).
    /// ENOBUFS is counted in `counters`, never thrown.
    @discardableResult
    func receive(
        timeoutMilliseconds: Int32, wakeDescriptor: Int32 = -1, _ body: (AuditMessage) throws -> Void
    ) throws -> Int {
        let count = auspex_nl_receive(socket.descriptor, wakeDescriptor, timeoutMilliseconds, batch)
        try AuditNetlinkError.check(count, "receive audit records")
        guard count > 0, let bytes = auspex_nl_batch_bytes(batch), let slices = auspex_nl_batch_slices(batch) else {
            return 0
        }
        for index in 0..<Int(count) {
            let slice = slices[index]
            let payload = UnsafeRawBufferPointer(start: bytes + Int(slice.offset), count: Int(slice.length))
            try body(AuditMessage(type: slice.type, payload: payload))
        }
        return Int(count)
    }
}

/// Netlink framing of one datagram, the same code path the reader uses; for tests and captured datagrams.
enum NetlinkFraming {
    /// The (type, payload) messages of `datagram`, control messages skipped.
    static func messages(in datagram: [UInt8]) -> [(type: UInt16, payload: [UInt8])] {
        let capacity = datagram.count / 16 + 1
        var slices = [auspex_nl_slice](repeating: auspex_nl_slice(), count: capacity)
        let count = datagram.withUnsafeBufferPointer { bytes in
            slices.withUnsafeMutableBufferPointer { out in
                auspex_nl_frame(bytes.baseAddress, UInt32(bytes.count), 0, out.baseAddress, UInt32(capacity))
            }
        }
        return slices.prefix(Int(count)).map { slice in
            let start = Int(slice.offset)
            return (slice.type, Array(datagram[start..<start + Int(slice.length)]))
        }
    }
}
