import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Running commands and the live-kernel etiquette for the seed-rule test: wait for a free audit socket, leave no
/// namespace, process, `auspex` audit rule or audit pid behind.
enum Live {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// The `auspex` binary built next to the test bundle.
    static func auspexBinary() throws -> String {
        let path = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("auspex").path
        let beside = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("auspex").path
        for candidate in [path, beside] where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        throw XCTSkip("the auspex binary was not built next to the tests (\(path))")
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @discardableResult
    static func wait(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    static func requireRootAndTools() throws {
        guard geteuid() == 0 else { throw XCTSkip("live audit tests need root") }
        for tool in ["/usr/sbin/auditctl", "/usr/sbin/ip", "/usr/bin/setpriv", "/usr/bin/unshare", "/usr/bin/cc"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            throw XCTSkip("\(tool) is not installed")
        }
        guard auditPID() != nil else { throw XCTSkip("no kernel audit subsystem (auditctl -s failed)") }
    }

    static func auditPID() -> Int? {
        let (status, output) = run("/usr/sbin/auditctl", ["-s"])
        guard status == 0 else { return nil }
        return output.split(separator: "\n").first { $0.hasPrefix("pid ") }.flatMap { Int($0.dropFirst(4)) }
    }

    /// Another engineer's live test may own the audit socket: wait up to a minute for it.
    static func waitForFreeAudit() throws {
        guard wait(seconds: 60, { auditPID() == 0 }) else {
            throw XCTSkip("the kernel audit socket stayed owned by pid \(auditPID() ?? -1) for a minute")
        }
    }

    static func auditRules(key: String) -> [String] {
        run("/usr/sbin/auditctl", ["-l"]).output.split(separator: "\n").map(String.init)
            .filter { $0.contains("key=\(key)") }
    }

    /// journald for the daemon's alerts: the running one, else a standalone one this test stops by pid.
    static func startJournald() throws -> Process? {
        if run("/usr/bin/pgrep", ["-x", "systemd-journal"]).status == 0 { return nil }
        guard FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd-journald") else {
            throw XCTSkip("no journald running and /lib/systemd/systemd-journald is absent")
        }
        try FileManager.default.createDirectory(atPath: "/run/systemd/journal", withIntermediateDirectories: true)
        let journald = Process()
        journald.executableURL = URL(fileURLWithPath: "/lib/systemd/systemd-journald")
        journald.standardOutput = FileHandle.nullDevice
        journald.standardError = FileHandle.nullDevice
        try journald.run()
        wait(seconds: 5) { FileManager.default.fileExists(atPath: "/run/systemd/journal/socket") }
        usleep(200_000)
        return journald
    }

    /// Journal entries from `pid` with `field=value`, as JSON objects.
    static func journalEntries(pid: Int32, field: String, value: String) -> [[String: Any]] {
        let (_, output) = run("/usr/bin/journalctl", ["--no-pager", "-o", "json", "_PID=\(pid)", "\(field)=\(value)"])
        return output.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }
}

/// A C program that forks; the child connects (TCP) to ADDRESS:PORT and then calls setsid(), so both syscalls
/// come from one process instance that is not a process-group leader. Prints the child's pid.
enum ConnectThenSetsid {
    static let source = """
        #include <arpa/inet.h>
        #include <netinet/in.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <sys/socket.h>
        #include <sys/wait.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            if (argc < 3) return 64;
            pid_t child = fork();
            if (child < 0) return 1;
            if (child == 0) {
                int fd = socket(AF_INET, SOCK_STREAM, 0);
                struct sockaddr_in address = {0};
                address.sin_family = AF_INET;
                address.sin_port = htons((unsigned short)atoi(argv[2]));
                if (inet_pton(AF_INET, argv[1], &address.sin_addr) != 1) _exit(64);
                connect(fd, (struct sockaddr *)&address, sizeof address);
                close(fd);
                _exit(setsid() < 0 ? 3 : 0);
            }
            int status = 0;
            waitpid(child, &status, 0);
            printf("%d\\n", (int)child);
            return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
        }
        """

    /// Compiles the program into `directory` (world-readable so an unprivileged uid can run it).
    static func build(in directory: String) throws -> String {
        let sourcePath = directory + "/connect-setsid.c"
        let binary = directory + "/connect-setsid"
        try source.write(toFile: sourcePath, atomically: true, encoding: .utf8)
        let (status, _) = Live.run("/usr/bin/cc", ["-O1", "-o", binary, sourcePath])
        guard status == 0 else { throw XCTSkip("cc could not build the test program") }
        chmod(directory, 0o755)
        chmod(binary, 0o755)
        return binary
    }
}
