@testable import EventModel
import Foundation
import PackageTestSupport
import XCTest

struct HarnessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Uses the running journald, or starts `/lib/systemd/systemd-journald` standalone and stops it (by pid) later.
final class JournaldHarness {
    static let socketPath = "/run/systemd/journal/socket"
    private var process: Process?
    var startedHere: Bool { process != nil }

    static func start() throws -> JournaldHarness {
        let harness = JournaldHarness()
        if isListening() { return harness }
        guard FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd-journald") else {
            throw XCTSkip("no journald running and /lib/systemd/systemd-journald missing")
        }
        try FileManager.default.createDirectory(atPath: "/run/systemd/journal", withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/lib/systemd/systemd-journald")
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        harness.process = process
        for _ in 0..<100 where !isListening() { usleep(50_000) }
        guard isListening() else {
            harness.stop()
            throw XCTSkip("journald did not start listening on \(socketPath)")
        }
        return harness
    }

    func stop() {
        guard let process else { return }
        self.process = nil
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    /// Whether a datagram to the journal socket would be accepted.
    static func isListening() -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in socketPath.utf8.enumerated() { raw[i] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }

    struct Entry {
        var fields: [String: FieldValue]
        /// journalctl writes printable values as strings and others as arrays of byte values.
        func bytes(_ name: String) -> [UInt8]? {
            switch fields[name] {
            case .string(let s)?: return Array(s.utf8)
            case .array(let items)? where items.allSatisfy({ $0.intValue != nil }):
                return items.map { UInt8(truncatingIfNeeded: $0.intValue!) }
            default: return nil
            }
        }
        func text(_ name: String) -> String? { bytes(name).map { String(decoding: $0, as: UTF8.self) } }
    }

    func entries(matching matches: [String]) throws -> [Entry] {
        let run = try Subprocess.run("/usr/bin/journalctl", matches + ["-o", "json", "--all", "--no-pager", "-q"])
        guard run.status == 0 || run.status == 1 else { return [] }
        return try run.stdout.split(separator: "\n").map { line in
            guard case .object(let entries) = try JSONReader.parse(String(line)) else { return Entry(fields: [:]) }
            return Entry(fields: Dictionary(entries.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first }))
        }
    }

    /// Polls journalctl for up to five seconds for exactly one matching entry.
    func entry(matching matches: [String]) throws -> Entry {
        for _ in 0..<50 {
            let found = try entries(matching: matches)
            if found.count == 1 { return found[0] }
            XCTAssertLessThanOrEqual(found.count, 1, "more than one entry for \(matches)")
            usleep(100_000)
        }
        throw HarnessError(message: "journalctl did not show one entry for \(matches) within 5 s")
    }
}
