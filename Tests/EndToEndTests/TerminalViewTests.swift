import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `auspex run`'s terminal view against the real kernel: on a pseudo-terminal each alert's reason line is printed,
/// coloured by severity; with stdout not a terminal (as under systemd) nothing is printed; `--output ndjson` prints
/// the alert documents.
final class TerminalViewTests: XCTestCase {
    /// Runs argv on a new pseudo-terminal (stdin/stdout), stderr to a file; copies what it prints to `output` and
    /// writes its pid to `pidFile`.
    static let ptyRunner = """
        import os, pty, sys
        out_path, err_path, pid_path = sys.argv[1:4]
        pid, fd = pty.fork()
        if pid == 0:
            os.environ["TERM"] = "xterm"
            os.environ.pop("NO_COLOR", None)
            err = os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            os.dup2(err, 2)
            os.execv(sys.argv[4], sys.argv[4:])
        with open(pid_path, "w") as f:
            f.write(str(pid))
        with open(out_path, "ab", buffering=0) as out:
            while True:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                out.write(data)
        _, status = os.waitpid(pid, 0)
        sys.exit(os.waitstatus_to_exitcode(status))
        """

    private static let ruleFile = "command_and_control_udp_reverse_shell.toml"

    private struct Run {
        let runner: Process
        let daemonPID: Int32
        let output: String
        let stderrLog: String
        var printed: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
        var stderr: String { (try? String(contentsOfFile: stderrLog, encoding: .utf8)) ?? "" }
    }

    /// Starts `auspex run` with `extra` flags, on a pty or with stdout to a file; waits until it reads the kernel.
    private func start(_ work: Workdir, tag: String, pty: Bool, extra: [String]) throws -> Run {
        let binary = try PackagePaths.auspexBinary().path
        let output = work.root + "/\(tag).out", stderrLog = work.root + "/\(tag).err", pidFile = work.root + "/\(tag).pid"
        FileManager.default.createFile(atPath: output, contents: nil)
        FileManager.default.createFile(atPath: stderrLog, contents: nil)
        let arguments = ["run", "--config", work.config, "--rules", work.rules, "--spool", work.spool + "-" + tag,
                         "--no-journald"] + extra
        let process = Process()
        if pty {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-c", Self.ptyRunner, output, stderrLog, pidFile, binary] + arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle(forWritingAtPath: stderrLog)
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            process.standardOutput = FileHandle(forWritingAtPath: output)
            process.standardError = FileHandle(forWritingAtPath: stderrLog)
        }
        try process.run()
        var pid = process.processIdentifier
        if pty {
            XCTAssertTrue(Harness.wait(seconds: 10) { FileManager.default.fileExists(atPath: pidFile) && (try? String(contentsOfFile: pidFile, encoding: .utf8))?.isEmpty == false })
            pid = Int32((try? String(contentsOfFile: pidFile, encoding: .utf8)) ?? "") ?? -1
        }
        let run = Run(runner: process, daemonPID: pid, output: output, stderrLog: stderrLog)
        XCTAssertTrue(Harness.wait(seconds: 20) { run.stderr.contains("reading the kernel audit stream") || !process.isRunning },
                      "daemon did not start reading:\n\(run.stderr)")
        return run
    }

    private func stop(_ run: Run) {
        if run.daemonPID > 0 { kill(run.daemonPID, SIGTERM) }
        if !Harness.wait(seconds: 15, { !run.runner.isRunning }) {
            if run.daemonPID > 0 { kill(run.daemonPID, SIGKILL) }
            kill(run.runner.processIdentifier, SIGKILL)
        }
        run.runner.waitUntilExit()
        XCTAssertEqual(run.runner.terminationStatus, 0, "exit status; stderr:\n\(run.stderr)")
        XCTAssertEqual(Harness.auditRules(key: "auspex"), [], "our audit rules were removed")
    }

    private func spooled(_ work: Workdir, tag: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: work.spool + "-" + tag + "/new")) ?? []).count
    }

    func testReasonLinesOnATerminalNothingUnderAPipeDocumentsWithNDJSON() throws {
        try Harness.requireLiveAudit()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { throw XCTSkip("python3 is absent") }
        let work = try Workdir()
        defer { work.remove() }
        try work.addPackRule(Self.ruleFile)
        let host = try TestHost()
        defer { host.remove() }

        for (tag, pty, extra) in [("tty", true, [String]()), ("pipe", false, []), ("ndjson", false, ["--output", "ndjson"])] {
            try Harness.waitForFreeAudit()
            let run = try start(work, tag: tag, pty: pty, extra: extra)
            XCTAssertEqual(host.bash("exec 3<>/dev/udp/\(TestHost.address)/4444"), 0)
            XCTAssertTrue(Harness.wait(seconds: 3) { spooled(work, tag: tag) >= 1 }, "\(tag): the alert reached the spool")
            if tag == "tty" {
                XCTAssertTrue(Harness.wait(seconds: 2) { run.printed.contains("Reverse Shell over UDP") }, "reason line: \(run.printed)")
            } else if tag == "ndjson" {
                XCTAssertTrue(Harness.wait(seconds: 2) { run.printed.contains("\n") })
            } else {
                usleep(500_000)
            }
            stop(run)
            let printed = run.printed
            switch tag {
            case "tty":
                // High severity: bold red, then the reason line.
                XCTAssertTrue(printed.contains("\u{1B}[1;31mHIGH\u{1B}[0m Reverse Shell over UDP (high, risk 73):"), printed)
                XCTAssertFalse(printed.contains("{\""), "no JSON on the terminal by default")
            case "pipe":
                XCTAssertEqual(printed, "", "nothing on stdout when it is not a terminal")
            default:
                let lines = printed.split(separator: "\n")
                XCTAssertGreaterThanOrEqual(lines.count, 1)
                let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
                XCTAssertEqual(document.value(at: "event.kind") as? String, "alert")
                XCTAssertEqual(document.value(at: "event.module") as? String, "auspex")
                XCTAssertEqual(document.value(at: "event.severity") as? Int, 73)
                XCTAssertFalse(printed.contains("\u{1B}"), "no colour codes in documents")
            }
        }
    }
}
