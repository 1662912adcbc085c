import CSystemd

/// Tells the service manager about the daemon's state (sd_notify(3)): readiness, status text, watchdog
/// pings, reloads and shutdown. Without `NOTIFY_SOCKET` (not started by systemd) every call is a no-op.
struct ServiceNotifier: Sendable {
    /// Sends one notification; returns > 0 when sent, 0 when there is no manager, negative errno on failure.
    typealias Send = @Sendable (String) -> Int32

    private let send: Send

    init(send: @escaping Send = { state in auspex_notify(state) }) {
        self.send = send
    }

    /// `READY=1`, with an optional status line: startup finished (netlink bound, rules loaded) or a reload done.
    @discardableResult
    func ready(status: String? = nil) -> Int32 {
        notify(["READY=1"] + (status.map { ["STATUS=" + ServiceNotifier.statusLine($0)] } ?? []))
    }

    /// `STATUS=…`: the free text `systemctl status` shows (live counters). Newlines become spaces, since each
    /// line of a notification is one assignment.
    @discardableResult
    func status(_ text: String) -> Int32 {
        notify(["STATUS=" + ServiceNotifier.statusLine(text)])
    }

    /// `WATCHDOG=1`: send at least every `watchdogInterval / 2`.
    @discardableResult
    func watchdog() -> Int32 {
        notify(["WATCHDOG=1"])
    }

    /// `RELOADING=1` with `MONOTONIC_USEC=` (required by Type=notify-reload, harmless before systemd 253).
    /// Send `ready()` when the new rules are in place.
    @discardableResult
    func reloading(status: String? = nil) -> Int32 {
        notify(["RELOADING=1", "MONOTONIC_USEC=\(auspex_monotonic_usec())"]
            + (status.map { ["STATUS=" + ServiceNotifier.statusLine($0)] } ?? []))
    }

    /// `STOPPING=1`: shutdown has begun.
    @discardableResult
    func stopping(status: String? = nil) -> Int32 {
        notify(["STOPPING=1"] + (status.map { ["STATUS=" + ServiceNotifier.statusLine($0)] } ?? []))
    }

    /// The interval within which the manager expects `WATCHDOG=1` (from `WATCHDOG_USEC`, checked against
    /// `WATCHDOG_PID` by sd_watchdog_enabled), or nil when no watchdog is set up for this process.
    static func watchdogInterval() -> Duration? {
        var usec: UInt64 = 0
        guard auspex_watchdog_enabled(&usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(clamping: usec))
    }

    private func notify(_ assignments: [String]) -> Int32 {
        send(assignments.joined(separator: "\n"))
    }

    static func statusLine(_ text: String) -> String {
        String(text.map { $0.isNewline || $0 == "\0" ? " " : $0 })
    }
}
