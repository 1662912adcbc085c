@testable import AuditNetlink
@testable import EventModel
import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The real kernel: `auspex events` registers as the audit daemon, sees our processes' execve/socket/connect,
/// and leaves the audit state as it found it, on SIGTERM and on its own limits. The tests of this class run
/// one after another (XCTest's default): the kernel has a single unicast audit daemon.
final class LiveKernelTests: XCTestCase {
    /// A private kernel state file per test, so that no test touches /run/auspex.
    private var stateDirectory = ""
    private var statePath: String { stateDirectory + "/kernel-state" }

    override func setUpWithError() throws {
        stateDirectory = NSTemporaryDirectory() + "auspex-live-\(getpid())-\(UUID().uuidString.prefix(8))"
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    /// `auspex events ARGUMENTS` with the test's kernel state file.
    private func events(_ arguments: [String]) -> [String] {
        ["events"] + arguments + ["--kernel-state-file", statePath]
    }

    /// The kernel settings `auspex events` changes and must restore: enabled, pid, backlog_limit, backlog_wait_time.
    private struct AuditState: Equatable {
        var fields: [String: String]
        var rules: [String]
    }

    private func auditState() throws -> AuditState {
        let auditctl = URL(fileURLWithPath: "/sbin/auditctl")
        let status = try Subprocess.run(auditctl, ["-s"])
        guard status.status == 0 else { throw XCTSkip("auditctl -s failed: \(status.stderr)") }
        var fields: [String: String] = [:]
        for line in status.stdout.split(separator: "\n") {
            let words = line.split(separator: " ", maxSplits: 1).map(String.init)
            if words.count == 2, ["enabled", "pid", "backlog_limit", "backlog_wait_time"].contains(words[0]) {
                fields[words[0]] = words[1]
            }
        }
        let rules = try Subprocess.run(auditctl, ["-l"]).stdout.split(separator: "\n").map(String.init)
        return AuditState(fields: fields, rules: rules)
    }

    /// Skips unless we are root with a usable audit subsystem and no other audit daemon.
    private func requireKernelAudit() throws -> (binary: URL, before: AuditState) {
        guard getuid() == 0 else { throw XCTSkip("needs root (CAP_AUDIT_CONTROL) for the kernel audit subsystem") }
        guard FileManager.default.isExecutableFile(atPath: "/sbin/auditctl") else {
            throw XCTSkip("auditctl not installed (package auditd)")
        }
        let binary = try PackagePaths.auspexBinary()
        let before = try auditState()
        guard before.fields["pid"] == "0" else {
            throw XCTSkip("another audit daemon is registered (pid \(before.fields["pid"] ?? "?")); not taking it over")
        }
        guard before.fields["enabled"] != "2" else { throw XCTSkip("kernel audit configuration is locked (enabled 2)") }
        return (binary, before)
    }

    private func assertRestored(_ before: AuditState, file: StaticString = #filePath, line: UInt = #line) throws {
        let after = try auditState()
        XCTAssertFalse(after.rules.contains { $0.contains("key=auspex") }, "auspex rules left: \(after.rules)", file: file, line: line)
        XCTAssertEqual(after.fields["pid"], "0", "audit pid not released", file: file, line: line)
        XCTAssertEqual(after, before, "audit state changed", file: file, line: line)
    }

    /// Starts `auspex events` and waits until it reports that it reads the kernel.
    private func startReader(_ binary: URL, _ arguments: [String], out: TemporaryFile,
                             err: TemporaryFile) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = events(arguments)
        process.standardOutput = out.handle
        process.standardError = err.handle
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while !err.contents().contains("reading the kernel") {
            if !process.isRunning { XCTFail("auspex events exited early: \(err.contents())"); return process }
            if Date() > deadline { XCTFail("auspex events did not start: \(err.contents())"); return process }
            usleep(20_000)
        }
        return process
    }

    /// Whether a unicast reader changes any setting it records (it sets enabled 1, backlog 8192, wait time 0).
    private static func auspexChangesSettings(_ before: AuditState) -> Bool {
        before.fields["backlog_limit"] != "8192" || before.fields["backlog_wait_time"] != "0"
            || before.fields["enabled"] == "0"
    }

        private func waitForExit(_ process: Process, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return false
        }
        return true
    }

    private func launch(_ path: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func testLiveExecveSocketConnectAndCleanupOnSIGTERM() throws {
        let (binary, before) = try requireKernelAudit()
        let out = try TemporaryFile(), err = try TemporaryFile()
        let reader = try startReader(binary, [], out: out, err: err)
        defer { if reader.isRunning { kill(reader.processIdentifier, SIGKILL); reader.waitUntilExit() } }

        let started = Date()
        let bash = try launch("/bin/bash", ["-c", "exec 3<>/dev/udp/127.0.0.2/9; echo x >&3"])
        let python = try launch("/usr/bin/python3", ["-c", """
            import socket
            s = socket.socket()
            s.settimeout(1)
            try: s.connect(("127.0.0.1", 9))
            except OSError: pass
            """])
        let bashPID = Int64(bash.processIdentifier), pythonPID = Int64(python.processIdentifier)
        bash.waitUntilExit()
        python.waitUntilExit()

        func documents() -> [Document] {
            out.contents().split(separator: "\n").compactMap { try? Document(flattening: JSONReader.parse(String($0))) }
        }
        func of(_ pid: Int64, _ syscall: String, in docs: [Document]) -> [Document] {
            docs.filter { $0["process.pid"]?.intValue == pid && $0["auditd.data.syscall"]?.stringValue == syscall }
        }
        // bash and python may make other socket and connect calls first (a user lookup asks nscd over AF_UNIX when
        // the environment has no USER), so the checks pick the AF_INET calls out.
        func inetSocket(_ pid: Int64, in docs: [Document]) -> Document? {
            of(pid, "socket", in: docs).first { $0["auditd.data.a0"] == "2" }
        }
        func inetConnect(_ pid: Int64, in docs: [Document]) -> Document? {
            of(pid, "connect", in: docs).first { $0["destination.ip"] != nil }
        }
        func complete(_ docs: [Document]) -> Bool {
            !of(bashPID, "execve", in: docs).isEmpty && inetConnect(bashPID, in: docs) != nil
                && inetSocket(bashPID, in: docs) != nil && !of(pythonPID, "execve", in: docs).isEmpty
                && inetConnect(pythonPID, in: docs) != nil
        }
        var docs = documents()
        while !complete(docs) && Date().timeIntervalSince(started) < 2 {
            usleep(50_000)
            docs = documents()
        }
        let elapsed = Date().timeIntervalSince(started)
        #if arch(x86_64)
        // The reader's rules, listed back over netlink as multicast mode lists auditd's.
        let masks = try AuditSocket(.unicast).auditedSyscallMasks()
        XCTAssertTrue(masks.contains { $0.arch == 0xc000_003e && $0.numbers.contains(59) && !$0.coversAll },
                      "execve (59) is in no x86_64 exit rule: \(masks.map(\.arch))")
        #endif

        kill(reader.processIdentifier, SIGTERM)
        XCTAssertTrue(waitForExit(reader, seconds: 10), "auspex events did not stop on SIGTERM")
        XCTAssertEqual(reader.terminationStatus, 0, err.contents())
        try assertRestored(before)

        XCTAssertTrue(complete(docs), "documents missing after \(elapsed) s; got \(docs.count); stderr: \(err.contents())")
        XCTAssertEqual(of(bashPID, "execve", in: docs).first?["event.action"], "executed")
        XCTAssertEqual(inetSocket(bashPID, in: docs)?["auditd.data.a1"], "2", "bash's AF_INET socket is not SOCK_DGRAM")
        let connect = inetConnect(bashPID, in: docs)
        XCTAssertEqual(connect?["destination.ip"], "127.0.0.2")
        XCTAssertEqual(connect?["destination.port"]?.intValue, 9)
        XCTAssertEqual(connect?["network.direction"], "egress")
        XCTAssertEqual(connect?["event.action"], "connected-to")
        XCTAssertEqual(inetConnect(pythonPID, in: docs)?["destination.ip"], "127.0.0.1")
        XCTAssertNotNil(Harness.summaryFigure("kernel lost", in: err.contents()), err.contents())
        XCTAssertEqual(Harness.summaryFigure("malformed", in: err.contents()), 0, err.contents())
    }

    /// A `PATH` search on the real kernel: glibc's execvp (here env's) tries five empty directories (ENOENT) before
    /// /usr/bin. Each miss is a failed execve with the caller's exe and no arguments; only the program that ran has them.
    func testLivePathSearchMissesCarryNoArguments() throws {
        let (binary, before) = try requireKernelAudit()
        let directories = (1...5).map { "\(stateDirectory)-path\($0)" }
        for directory in directories { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        defer { for directory in directories { try? FileManager.default.removeItem(atPath: directory) } }
        let out = try TemporaryFile(), err = try TemporaryFile()
        let reader = try startReader(binary, [], out: out, err: err)
        defer { if reader.isRunning { kill(reader.processIdentifier, SIGKILL); reader.waitUntilExit() } }

        let started = Date()
        let env = try launch("/usr/bin/env", ["PATH=" + (directories + ["/usr/bin"]).joined(separator: ":"), "true", "--fidelity"])
        let pid = Int64(env.processIdentifier)
        env.waitUntilExit()
        func execs() -> [Document] {
            out.contents().split(separator: "\n").compactMap { try? Document(flattening: JSONReader.parse(String($0))) }
                .filter { $0["process.pid"]?.intValue == pid && $0["auditd.data.syscall"] == "execve" }
        }
        var docs = execs()
        while docs.filter({ $0["event.outcome"] == "success" }).count < 2 && Date().timeIntervalSince(started) < 3 {
            usleep(50_000)
            docs = execs()
        }
        kill(reader.processIdentifier, SIGTERM)
        XCTAssertTrue(waitForExit(reader, seconds: 10), "auspex events did not stop on SIGTERM")
        try assertRestored(before)

        let failed = docs.filter { $0["event.outcome"] == "failure" }
        XCTAssertEqual(failed.count, 5, "\(docs.count) execve documents; stderr: \(err.contents())")
        for document in failed {
            XCTAssertEqual(document["process.executable"], "/usr/bin/env", "the caller's exe")
            XCTAssertNil(document["process.args"])
            XCTAssertNil(document["process.command_line"])
            XCTAssertNil(document["process.args_count"])
        }
        let ran = docs.last { $0["event.outcome"] == "success" }
        XCTAssertEqual(ran?["process.executable"], "/usr/bin/true")
        XCTAssertEqual(ran?["process.args"], ["true", "--fidelity"])
    }

    func testDurationEndsTheRunAndRestoresTheKernel() throws {
        let (binary, before) = try requireKernelAudit()
        let run = try Subprocess.run(binary, events(["--duration", "0.5"]))
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertNotNil(Harness.summaryFigure("ENOBUFS", in: run.stderr), run.stderr)
        try assertRestored(before)
    }

    /// `events` reads the kernel through the daemon's loop (a reader thread feeding the bounded record queue): its
    /// summary counts the queue beside the kernel, and what went through the queue became documents, SIGINT included.
    func testLiveSummaryCountsTheRecordQueue() throws {
        let (binary, before) = try requireKernelAudit()
        let out = try TemporaryFile(), err = try TemporaryFile()
        let reader = try startReader(binary, [], out: out, err: err)
        defer { if reader.isRunning { kill(reader.processIdentifier, SIGKILL); reader.waitUntilExit() } }
        var pids: Set<Int64> = []
        for _ in 0..<20 {
            let process = try launch("/bin/true", [])
            process.waitUntilExit()
            pids.insert(Int64(process.processIdentifier))
        }
        func executed() -> Set<Int64> {
            Set(out.contents().split(separator: "\n").compactMap { try? Document(flattening: JSONReader.parse(String($0))) }
                .filter { $0["auditd.data.syscall"] == "execve" }.compactMap { $0["process.pid"]?.intValue })
        }
        let deadline = Date().addingTimeInterval(5)
        while !pids.isSubset(of: executed()) && Date() < deadline { usleep(50_000) }
        kill(reader.processIdentifier, SIGINT)
        XCTAssertTrue(waitForExit(reader, seconds: 10), "auspex events did not stop on SIGINT")
        XCTAssertEqual(reader.terminationStatus, 0, err.contents())
        try assertRestored(before)

        let summary = err.contents()
        XCTAssertTrue(pids.isSubset(of: executed()), "execve documents missing: \(pids.subtracting(executed())); \(summary)")
        let records = try XCTUnwrap(Harness.summaryFigure("records", in: summary), summary)
        let highWater = try XCTUnwrap(Harness.summaryFigure("queue high water", in: summary), summary)
        XCTAssertEqual(Harness.summaryFigure("queue dropped", in: summary), 0, summary)
        XCTAssertGreaterThanOrEqual(records, 20 * 3, "20 processes' records: \(summary)")
        XCTAssertTrue((1...records).contains(highWater), "every record went through the queue: \(summary)")
        XCTAssertNotNil(Harness.summaryFigure("ENOBUFS", in: summary), summary)
    }

    /// `--count` ends a live run from the processing side: the reader thread stops, the kernel is restored.
    func testCountEndsTheLiveRunAndRestoresTheKernel() throws {
        let (binary, before) = try requireKernelAudit()
        let out = try TemporaryFile(), err = try TemporaryFile()
        let reader = try startReader(binary, ["--count", "3"], out: out, err: err)
        defer { if reader.isRunning { kill(reader.processIdentifier, SIGKILL); reader.waitUntilExit() } }
        let deadline = Date().addingTimeInterval(10)
        while reader.isRunning && Date() < deadline { try launch("/bin/true", []).waitUntilExit() }
        XCTAssertTrue(waitForExit(reader, seconds: 10), "auspex events --count 3 did not stop: \(err.contents())")
        XCTAssertEqual(reader.terminationStatus, 0, err.contents())
        try assertRestored(before)
        XCTAssertEqual(out.contents().split(separator: "\n").count, 3)
        XCTAssertEqual(Harness.summaryFigure("documents", in: err.contents()), 3, err.contents())
    }

    func testMulticastReaderSeesRecordsBesideTheOwnerSlot() throws {
        let (binary, before) = try requireKernelAudit()
        let out = try TemporaryFile(), err = try TemporaryFile()
        let reader = try startReader(binary, ["--multicast", "--duration", "1.5"], out: out, err: err)
        defer { if reader.isRunning { kill(reader.processIdentifier, SIGKILL); reader.waitUntilExit() } }
        XCTAssertTrue(try auditState().fields["pid"] == "0", "multicast mode must not register as the audit daemon")
        let bash = try launch("/bin/bash", ["-c", "exec 3<>/dev/udp/127.0.0.2/9; echo x >&3"])
        bash.waitUntilExit()
        XCTAssertTrue(waitForExit(reader, seconds: 10), "auspex events --duration did not stop")
        XCTAssertEqual(reader.terminationStatus, 0, err.contents())
        try assertRestored(before)
        let docs = out.contents().split(separator: "\n").compactMap { try? Document(flattening: JSONReader.parse(String($0))) }
        let connects = docs.filter { $0["process.pid"]?.intValue == Int64(bash.processIdentifier) && $0["auditd.data.syscall"] == "connect" }
        XCTAssertTrue(connects.contains { $0["destination.ip"] == "127.0.0.2" },
                      "no connect to 127.0.0.2 from pid \(bash.processIdentifier) among \(connects.count): \(err.contents())")
    }

    func testSecondReaderIsRefusedWhileTheFirstOwnsTheKernel() throws {
        let (binary, before) = try requireKernelAudit()
        let out = try TemporaryFile(), err = try TemporaryFile()
        let first = try startReader(binary, [], out: out, err: err)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL); first.waitUntilExit() } }
        // A kernel already at auspex's settings gets no record (nothing to restore).
        let firstRecord = try? String(contentsOfFile: statePath, encoding: .utf8)
        XCTAssertEqual(firstRecord != nil, Self.auspexChangesSettings(before), "state file \(statePath)")
        if let firstRecord { XCTAssertTrue(firstRecord.contains("\npid=\(first.processIdentifier)\n"), firstRecord) }
        let second = try Subprocess.run(binary, events(["--duration", "0.2"]))
        XCTAssertNotEqual(second.status, 0)
        XCTAssertTrue(second.stderr.contains("already the kernel audit daemon"), second.stderr)
        // The refused reader must not have touched the first one's rules, nor its kernel state file.
        XCTAssertTrue(try auditState().rules.contains { $0.contains("key=auspex") })
        XCTAssertEqual(try? String(contentsOfFile: statePath, encoding: .utf8), firstRecord)
        kill(first.processIdentifier, SIGINT)
        XCTAssertTrue(waitForExit(first, seconds: 10), "auspex events did not stop on SIGINT")
        XCTAssertEqual(first.terminationStatus, 0, err.contents())
        try assertRestored(before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: statePath), "state file left after a clean stop")
    }

    /// SIGKILL leaves the settings changed and the state file behind; the next run restores the recorded originals
    /// (not the values it finds) when it stops, and removes the file.
    func testRunAfterASIGKILLRestoresTheSettingsTheKilledRunRecorded() throws {
        let (binary, before) = try requireKernelAudit()
        guard Self.auspexChangesSettings(before) else {
            throw XCTSkip("auspex would change none of enabled, backlog_limit, backlog_wait_time on this kernel")
        }
        let out = try TemporaryFile(), err = try TemporaryFile()
        let killed = try startReader(binary, [], out: out, err: err)
        defer { if killed.isRunning { kill(killed.processIdentifier, SIGKILL); killed.waitUntilExit() } }
        let deadline = Date().addingTimeInterval(5)
        while try auditState().fields["pid"] != String(killed.processIdentifier), Date() < deadline { usleep(20_000) }
        let owned = try auditState()
        XCTAssertEqual(owned.fields["pid"], String(killed.processIdentifier), "auspex events never owned the audit pid")
        XCTAssertTrue(FileManager.default.fileExists(atPath: statePath), "no state file while the settings are changed")

        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        XCTAssertEqual(killed.terminationReason, .uncaughtSignal)
        var left = try auditState()
        let released = Date().addingTimeInterval(2)
        while left.fields["pid"] != "0", Date() < released { usleep(20_000); left = try auditState() }
        XCTAssertEqual(left.fields["pid"], "0", "the kernel keeps a dead audit daemon's pid")
        XCTAssertEqual(left.fields["backlog_limit"], "8192")
        XCTAssertEqual(left.fields["enabled"], "1")
        XCTAssertNotEqual(left.fields, before.fields, "SIGKILL left nothing to restore")
        let record = try String(contentsOfFile: statePath, encoding: .utf8)
        XCTAssertTrue(record.contains("\npid=\(killed.processIdentifier)\n"), record)
        XCTAssertTrue(record.contains("\nbacklog_limit=\(before.fields["backlog_limit"] ?? "?")\n"), record)

        let next = try Subprocess.run(binary, events(["--duration", "0.3"]))
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertEqual(next.stderr.components(separatedBy: "previous run did not stop cleanly").count, 2, next.stderr)
        try assertRestored(before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: statePath), "state file left after a clean restore")
    }
}
