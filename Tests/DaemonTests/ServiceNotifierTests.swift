import Foundation
import XCTest
@testable import Daemon

final class ServiceNotifierTests: XCTestCase {
    /// Real sd_notify: a datagram socket stands in for the service manager via NOTIFY_SOCKET.
    func testNotificationsReachTheManagerSocket() throws {
        let path = try Fixtures.temporaryDirectory("notify") + "/notify.sock"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(bound, 0)
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        func receive() -> String {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buffer, buffer.count, 0)
            return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : "<nothing: errno \(errno)>"
        }

        setenv("NOTIFY_SOCKET", path, 1)
        defer { unsetenv("NOTIFY_SOCKET") }
        let notifier = ServiceNotifier()
        XCTAssertGreaterThan(notifier.ready(status: "rules 2 loaded\nREADY=0"), 0)
        XCTAssertEqual(receive(), "READY=1\nSTATUS=rules 2 loaded READY=0")
        notifier.status("events 10/s")
        XCTAssertEqual(receive(), "STATUS=events 10/s")
        notifier.watchdog()
        XCTAssertEqual(receive(), "WATCHDOG=1")
        notifier.reloading()
        let reloading = receive()
        let lines = reloading.split(separator: "\n")
        XCTAssertEqual(lines.first, "RELOADING=1", reloading)
        XCTAssertEqual(lines.count, 2)
        let usec = lines.last.flatMap { $0.hasPrefix("MONOTONIC_USEC=") ? UInt64($0.dropFirst(15)) : nil }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nowUsec = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        XCTAssertNotNil(usec, reloading)
        XCTAssertLessThanOrEqual(usec ?? .max, nowUsec)
        XCTAssertGreaterThan(usec ?? 0, nowUsec - 5_000_000)
        notifier.stopping()
        XCTAssertEqual(receive(), "STOPPING=1")

        unsetenv("NOTIFY_SOCKET")
        XCTAssertEqual(notifier.ready(), 0, "without a manager, notifications are no-ops")
    }

    func testWatchdogIntervalFromEnvironment() {
        unsetenv("WATCHDOG_USEC")
        unsetenv("WATCHDOG_PID")
        XCTAssertNil(ServiceNotifier.watchdogInterval())
        setenv("WATCHDOG_USEC", "3000000", 1)
        setenv("WATCHDOG_PID", String(getpid()), 1)
        defer {
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
        }
        XCTAssertEqual(ServiceNotifier.watchdogInterval(), .seconds(3))
        // The watchdog belongs to another process: not ours to ping.
        setenv("WATCHDOG_PID", String(getpid() + 1), 1)
        XCTAssertNil(ServiceNotifier.watchdogInterval())
    }
}
