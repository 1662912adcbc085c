import Foundation
import XCTest
@testable import AuditNetlink
#if canImport(Glibc)
import Glibc
#endif

/// The real kernel, in process: a multicast reader with a tiny receive buffer that stops reading overflows,
/// counts ENOBUFS and keeps receiving afterwards; and the session puts everything back.
final class KernelOverflowTests: XCTestCase {
    private func spawnTrue() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    func testMulticastOverflowIsCountedAndSurvived() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root (CAP_AUDIT_CONTROL) for the kernel audit subsystem") }
        let probe: AuditStatus
        do { probe = try AuditSocket().status() } catch { throw XCTSkip("kernel audit unavailable: \(error)") }
        guard probe.pid == 0 else { throw XCTSkip("another audit daemon is registered (pid \(probe.pid))") }
        guard probe.enabled != 2 else { throw XCTSkip("kernel audit configuration is locked") }

        let statePath = NSTemporaryDirectory() + "auspex-overflow-\(getpid())-\(UUID().uuidString.prefix(8))/kernel-state"
        defer { try? FileManager.default.removeItem(atPath: (statePath as NSString).deletingLastPathComponent) }
        var session: LiveAuditSession? = try LiveAuditSession(
            options: .init(mode: .multicast, rules: .events, receiveBufferBytes: 4096, kernelStatePath: statePath))
        XCTAssertEqual(session?.notices, [])
        // Multicast changes only `enabled`, and only when auditing is off.
        XCTAssertEqual(FileManager.default.fileExists(atPath: statePath), probe.enabled == 0)
        let reader = try XCTUnwrap(session?.reader)
        // Not reading while 40 processes start: a few kilobytes of buffer cannot hold their records.
        for _ in 0..<40 { _ = try spawnTrue() }
        var drained = 0
        while try reader.receive(timeoutMilliseconds: 200, { _ in drained += 1 }) > 0 {}
        XCTAssertGreaterThan(reader.counters.enobufs, 0, "no overflow reported after \(drained) messages")

        // Still alive: a later process's execve comes through. The buffer stays tiny, so on a busy machine other
        // processes' records can overflow it again: a new process every round until one is seen.
        var pids: Set<Int32> = []
        var seen = false
        let deadline = Date().addingTimeInterval(5)
        while !seen && Date() < deadline {
            pids.insert(try spawnTrue())
            try reader.receive(timeoutMilliseconds: 200) { message in
                let text = String(decoding: message.payload, as: UTF8.self)
                guard message.type == 1300, text.contains(" syscall=59 ") else { return }
                if pids.contains(where: { text.contains(" pid=\($0) ") }) { seen = true }
            }
        }
        XCTAssertTrue(seen, "no execve of \(pids.count) processes received after the overflow")

        XCTAssertEqual(session?.stop(), [])
        session = nil
        let after = try AuditSocket().status()
        XCTAssertEqual(after.enabled, probe.enabled)
        XCTAssertEqual(after.pid, 0)
        XCTAssertEqual(after.backlogLimit, probe.backlogLimit)
        XCTAssertEqual(after.backlogWaitTime, probe.backlogWaitTime)
        XCTAssertEqual(try AuditSocket().countRules(key: AuditRuleSet.defaultKey), 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: statePath), "state file left after a clean stop")
    }
}
