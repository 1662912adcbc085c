import CAuditNetlink

/// One NETLINK_AUDIT socket: control requests (status, settings, rules) and, for a reader, the event stream.
/// Closes its descriptor when released.
final class AuditSocket {
    /// How the socket is bound.
    enum Binding: Sendable {
        /// No multicast group: control requests, or events once registered as the audit daemon.
        case unicast
        /// AUDIT_NLGRP_READLOG: a read-only copy of every record, beside a running auditd.
        case multicast
    }

    /// The raw descriptor (for poll); owned by this object.
    let descriptor: Int32

    init(_ binding: Binding = .unicast) throws(AuditNetlinkError) {
        let groups: UInt32 = binding == .multicast ? 1 : 0
        descriptor = try AuditNetlinkError.check(auspex_nl_open(groups), "open NETLINK_AUDIT socket")
    }

    /// Takes ownership of an open descriptor (tests feed the reader through a datagram socket pair).
    init(adopting descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { auspex_nl_close(descriptor) }

    /// Asks for a receive buffer of `bytes` (forced past rmem_max as root); returns what the kernel granted.
    @discardableResult
    func setReceiveBuffer(bytes: Int) throws(AuditNetlinkError) -> Int {
        let clamped = Int32(clamping: bytes)
        return Int(try AuditNetlinkError.check(auspex_nl_set_receive_buffer(descriptor, clamped), "set SO_RCVBUF"))
    }

    /// AUDIT_GET.
    func status() throws(AuditNetlinkError) -> AuditStatus {
        var raw = auspex_audit_status()
        try AuditNetlinkError.check(auspex_nl_get_status(descriptor, &raw), "AUDIT_GET status")
        return AuditStatus(raw)
    }

    /// AUDIT_SET of the fields `change` names; waits for the kernel's ACK.
    func apply(_ change: AuditStatusChange) throws(AuditNetlinkError) {
        guard !change.isEmpty else { return }
        var raw = change.raw
        try AuditNetlinkError.check(auspex_nl_set_status(descriptor, &raw), "AUDIT_SET \(change)")
    }
}
