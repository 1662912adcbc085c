import Foundation
import XCTest
@testable import AuditNetlink
#if canImport(Glibc)
import Glibc
#endif

/// The kernel state file without the kernel: what is written, what is trusted on the next start, what is left alone.
final class KernelStateFileTests: XCTestCase {
    private var directory = ""
    private var path: String { directory + "/run/kernel-state" }
    private let bootID = "0f6c2a8e-1d2b-4c3d-9e8f-00112233aabb"
    private let originals = AuditStatusChange(enabled: 0, backlogLimit: 64, backlogWaitTime: 15000)

    override func setUpWithError() throws {
        var template = Array((NSTemporaryDirectory() + "auspex-kernel-state-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw XCTSkip("mkdtemp failed") }
        directory = String(cString: made)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func me() throws -> ProcessIdentity { try XCTUnwrap(ProcessIdentity.current()) }

    /// A process that has exited and been reaped: its identity names nothing that runs.
    private func deadProcess() throws -> ProcessIdentity {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["0.2"]
        try process.run()
        let identity = try XCTUnwrap(ProcessIdentity.of(pid: process.processIdentifier))
        process.waitUntilExit()
        XCTAssertFalse(identity.isRunning)
        return identity
    }

    private func keeper(bootID: String? = nil, adoptsRecovery: Bool = true) throws -> KernelStateKeeper {
        KernelStateKeeper(file: KernelStateFile(path: path), adoptsRecovery: adoptsRecovery,
                          bootID: bootID ?? self.bootID, identity: try me())
    }

    private func mode(_ path: String) throws -> Int {
        try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    func testProcessIdentityReadsProcStat() throws {
        let identity = try me()
        XCTAssertEqual(identity.pid, getpid())
        XCTAssertGreaterThan(identity.startTime, 0)
        XCTAssertTrue(identity.isRunning)
        // The same pid with another start time is a later process that reused the pid, not this one.
        XCTAssertFalse(ProcessIdentity(pid: identity.pid, startTime: identity.startTime + 1).isRunning)
        XCTAssertNil(ProcessIdentity.of(pid: 0))
        let bootID = try XCTUnwrap(KernelStateFile.currentBootID())
        XCTAssertEqual(bootID.count, 36, bootID)
    }

    /// A run killed with SIGKILL stays a zombie until its parent reaps it: it must already count as gone.
    func testAZombieIsNotRunning() throws {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/true", nil, nil, argv, environ) == 0 else { throw XCTSkip("posix_spawn failed") }
        defer { var status: Int32 = 0; waitpid(pid, &status, 0) }
        let deadline = Date().addingTimeInterval(5)
        func stat() -> String { (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? "" }
        while !stat().contains(") Z "), Date() < deadline { usleep(5_000) }
        XCTAssertTrue(stat().contains(") Z "), "child \(pid) never became a zombie: \(stat())")
        XCTAssertNil(ProcessIdentity.of(pid: pid))
    }

    func testRecordRoundTripsThroughAFileInANewPrivateDirectory() throws {
        let file = KernelStateFile(path: path)
        XCTAssertEqual(file.read(), .absent)
        let record = KernelStateRecord(bootID: bootID, owner: try me(), originals: originals)
        try file.write(record)
        XCTAssertEqual(file.read(), .record(record))
        XCTAssertEqual(try mode(directory + "/run"), 0o700)
        XCTAssertEqual(try mode(path), 0o600)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory + "/run"), ["kernel-state"])

        // Only the settings that change are recorded; a rewrite replaces the whole record.
        let partial = KernelStateRecord(bootID: bootID, owner: ProcessIdentity(pid: 42, startTime: 7),
                                        originals: AuditStatusChange(enabled: 1))
        try file.write(partial)
        XCTAssertEqual(file.read(), .record(partial))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertFalse(text.contains("backlog"), text)
        XCTAssertTrue(text.contains("\npid=42\n"), text)

        try file.remove()
        XCTAssertEqual(file.read(), .absent)
        XCTAssertNoThrow(try file.remove(), "removing an absent file is not an error")
    }

    func testCorruptFilesAreReportedWithTheirReason() throws {
        let me = try me()
        let valid = "version=1\nboot_id=\(bootID)\npid=\(me.pid)\nstart_time=\(me.startTime)\nbacklog_limit=64\n"
        let cases: [(String, String)] = [
            ("", "version"),
            ("\u{0}\u{1}garbage", "without '='"),
            (valid + "backlog_limit=65\n", "given twice"),
            (valid + "colour=blue\n", "unknown key"),
            (valid.replacingOccurrences(of: "backlog_limit=64", with: "backlog_limit=-1"), "not a number"),
            (valid.replacingOccurrences(of: "backlog_limit=64", with: "backlog_limit=4294967296"), "not a number"),
            (valid.replacingOccurrences(of: "version=1", with: "version=2"), "version"),
            (valid.replacingOccurrences(of: "boot_id=\(bootID)\n", with: ""), "boot_id"),
            (valid.replacingOccurrences(of: "pid=\(me.pid)\n", with: ""), "pid"),
            (String(repeating: "#", count: KernelStateFile.sizeLimit + 1), "at most"),
        ]
        try FileManager.default.createDirectory(atPath: directory + "/run", withIntermediateDirectories: true)
        for (text, reason) in cases {
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            guard case .unreadable(let error) = KernelStateFile(path: path).read() else {
                XCTFail("accepted \(text.prefix(80).debugDescription)")
                continue
            }
            XCTAssertTrue(error.description.contains(reason), "\(error) for \(text.prefix(80).debugDescription)")
        }
        try valid.write(toFile: path, atomically: false, encoding: .utf8)
        guard case .record(let record) = KernelStateFile(path: path).read() else { return XCTFail("valid file refused") }
        XCTAssertEqual(record.originals, AuditStatusChange(backlogLimit: 64))
    }

    func testCorruptFileWarnsOnceAndIsReplacedByThisRunsRecord() throws {
        try FileManager.default.createDirectory(atPath: directory + "/run", withIntermediateDirectories: true)
        try "backlog_limit=64\nnonsense".write(toFile: path, atomically: false, encoding: .utf8)
        var keeper = try keeper()
        XCTAssertNil(keeper.recovered)
        XCTAssertEqual(keeper.notices.count, 1)
        XCTAssertTrue(keeper.notices[0].contains("ignoring the kernel state file \(path)"), keeper.notices[0])
        keeper.save(originals)
        XCTAssertEqual(keeper.notices.count, 1)
        XCTAssertEqual(KernelStateFile(path: path).read(), .record(KernelStateRecord(bootID: bootID, owner: try me(),
                                                                                     originals: originals)))
        try keeper.release()
        XCTAssertEqual(KernelStateFile(path: path).read(), .absent)
    }

    func testUnreadableFileIsIgnoredWithOneNotice() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) // a directory
        var keeper = try keeper()
        XCTAssertNil(keeper.recovered)
        XCTAssertEqual(keeper.notices.count, 1, "\(keeper.notices)")
        // It cannot be replaced either: a second notice says the settings are restored on a clean stop only.
        keeper.save(originals)
        XCTAssertEqual(keeper.notices.count, 2, "\(keeper.notices)")
        XCTAssertTrue(keeper.notices[1].contains("cannot write"), keeper.notices[1])
        XCTAssertNoThrow(try keeper.release())
    }

    func testRecordOfAnotherBootIsIgnoredAndReplaced() throws {
        let file = KernelStateFile(path: path)
        try file.write(KernelStateRecord(bootID: "another-boot", owner: try deadProcess(), originals: originals))
        var keeper = try keeper()
        XCTAssertNil(keeper.recovered)
        XCTAssertEqual(keeper.notices, [])
        let mine = AuditStatusChange(enabled: 1, backlogLimit: 8192)
        keeper.save(mine)
        XCTAssertEqual(file.read(), .record(KernelStateRecord(bootID: bootID, owner: try me(), originals: mine)))

        // With nothing to restore, the stale record is removed rather than kept.
        try file.write(KernelStateRecord(bootID: "another-boot", owner: try deadProcess(), originals: originals))
        var idle = try self.keeper()
        idle.save(AuditStatusChange())
        XCTAssertEqual(file.read(), .absent)
    }

    func testRecordOfARunThatDiedIsRecoveredAndRemovedAfterTheRestore() throws {
        let file = KernelStateFile(path: path)
        let dead = try deadProcess()
        try file.write(KernelStateRecord(bootID: bootID, owner: dead, originals: originals))
        var keeper = try keeper()
        XCTAssertEqual(keeper.recovered, originals)
        XCTAssertEqual(keeper.notices.count, 1)
        XCTAssertTrue(keeper.notices[0].hasPrefix("previous run did not stop cleanly; restoring the settings it recorded"))
        XCTAssertTrue(keeper.notices[0].contains("enabled 0, backlog_limit 64, backlog_wait_time 15000"), keeper.notices[0])
        XCTAssertTrue(keeper.notices[0].contains("pid \(dead.pid)"), keeper.notices[0])

        // The dead run's originals win over what this run finds now (the dead run's own values).
        let found = AuditStatusChange(enabled: 1, backlogLimit: 8192)
        let restore = try XCTUnwrap(keeper.recovered).filling(from: found)
        XCTAssertEqual(restore, originals)
        XCTAssertEqual(AuditStatusChange(enabled: 1).filling(from: found), found)
        keeper.save(restore)
        XCTAssertEqual(file.read(), .record(KernelStateRecord(bootID: bootID, owner: try me(), originals: originals)))
        try keeper.release()
        XCTAssertEqual(file.read(), .absent)
    }

    func testOnlyTheAuditDaemonAdoptsADeadRunsRecord() throws {
        // A multicast reader (or a locked kernel) beside whoever owns the settings now must neither restore the dead
        // run's originals under that owner nor replace the record: the next audit daemon does.
        let file = KernelStateFile(path: path)
        let deadRecord = KernelStateRecord(bootID: bootID, owner: try deadProcess(), originals: originals)
        try file.write(deadRecord)
        var beside = try keeper(adoptsRecovery: false)
        XCTAssertNil(beside.recovered)
        XCTAssertEqual(beside.notices.count, 1)
        XCTAssertTrue(beside.notices[0].contains("left for the next run that owns the audit socket"), beside.notices[0])
        beside.save(AuditStatusChange(enabled: 0))
        try beside.release()
        XCTAssertEqual(file.read(), .record(deadRecord))
        XCTAssertEqual(try keeper().recovered, originals, "the audit daemon still finds it")
    }

    func testPidReusedByAnotherProcessDoesNotKeepTheRecordAlive() throws {
        let me = try me()
        // Our pid with another start time: the recorded process is gone, whoever holds its pid now.
        let file = KernelStateFile(path: path)
        try file.write(KernelStateRecord(bootID: bootID, owner: ProcessIdentity(pid: me.pid, startTime: me.startTime - 1),
                                         originals: originals))
        XCTAssertEqual(try keeper().recovered, originals)
    }

    func testRecordOfARunningOwnerIsNeitherTrustedNorReplaced() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["30"]
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        let owner = try XCTUnwrap(ProcessIdentity.of(pid: process.processIdentifier))
        let file = KernelStateFile(path: path)
        let ownersRecord = KernelStateRecord(bootID: bootID, owner: owner, originals: originals)
        try file.write(ownersRecord)

        var second = try keeper()
        XCTAssertNil(second.recovered)
        XCTAssertEqual(second.notices, [])
        second.save(AuditStatusChange(enabled: 1))
        XCTAssertEqual(file.read(), .record(ownersRecord))
        XCTAssertEqual(second.notices.count, 1)
        XCTAssertTrue(second.notices[0].contains("holds the record of auspex pid \(owner.pid)"), second.notices[0])
        try second.release()
        XCTAssertEqual(file.read(), .record(ownersRecord), "release must not remove the owner's record")

        // Nothing to record: no notice, and the owner's file stays.
        var quiet = try keeper()
        quiet.save(AuditStatusChange())
        XCTAssertEqual(quiet.notices, [])
        XCTAssertEqual(file.read(), .record(ownersRecord))
    }

    func testReleaseLeavesARecordThatIsNoLongerOurs() throws {
        var keeper = try keeper()
        keeper.save(originals)
        let file = KernelStateFile(path: path)
        let other = KernelStateRecord(bootID: bootID, owner: ProcessIdentity(pid: 1, startTime: 1), originals: originals)
        try file.write(other)
        try keeper.release()
        XCTAssertEqual(file.read(), .record(other))
    }

    func testWithoutABootIDNothingIsWritten() throws {
        var keeper = KernelStateKeeper(file: KernelStateFile(path: path), bootID: nil, identity: try me())
        XCTAssertEqual(keeper.notices.count, 1)
        keeper.save(originals)
        XCTAssertEqual(KernelStateFile(path: path).read(), .absent)
    }
}
