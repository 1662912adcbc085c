import ArgumentParser
import Detection
import Rules
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `auspex selftest`: runs harmless trigger behaviours and waits for the running daemon's alerts in journald and the
/// spool, read from the same configuration as `auspex run`.
struct SelftestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "selftest",
        abstract: "Trigger harmless attack behaviours and check that the running daemon alerts on each.",
        discussion: """
            Needs root and a running `auspex run` with the shipped pack. Creates a private network namespace whose \
            loopback carries 192.0.2.2 (nothing leaves the machine), runs a bash UDP reverse shell to it and a root \
            process that connects to it and then calls setsid(), removes the namespace, and waits for each expected \
            alert in journald (when [journald] is enabled) and in the spool (when enabled). Prints one row per \
            behaviour: behaviour, expected rule, seen in journald, seen in spool, latency. Exits 1 when an alert is \
            missing, 77 when not root.
            """)

    @Option(name: .long, help: ArgumentHelp("The daemon's configuration file.", valueName: "FILE"))
    var config: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a configuration key.", valueName: "SECTION.KEY=VALUE"))
    var overrides: [String] = []

    @Option(name: .long, help: ArgumentHelp("The daemon's spool directory (as given to `auspex run --spool`).",
                                            valueName: "DIR"))
    var spool: String?

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for each alert.", valueName: "SECONDS"))
    var timeout: Double = 5

    static let address = "192.0.2.2"

    struct Behaviour: Sendable {
        let name: String
        let rule: String
        /// Runs the behaviour in the namespace; returns the pid the alert names (`process.pid` of its first event).
        let run: @Sendable (_ namespace: String) throws -> String
    }

    static let behaviours: [Behaviour] = [
        Behaviour(name: "bash UDP reverse shell to \(address)", rule: "Reverse Shell over UDP") { namespace in
            try output("/usr/sbin/ip", ["netns", "exec", namespace, "/bin/bash", "-c",
                                        "exec 3<>/dev/udp/\(address)/4444; echo $$"])
        },
        Behaviour(name: "root connect to \(address), then setsid", rule: "Root Process Connects Out Then Starts a New Session") { namespace in
            // The forked child connects and calls setsid (a process-group leader could not); prints its pid.
            try output("/usr/sbin/ip", ["netns", "exec", namespace, "/usr/bin/python3", "-c", """
                import os, socket
                pid = os.fork()
                if pid == 0:
                    s = socket.socket()
                    s.settimeout(1)
                    try: s.connect(("\(address)", 9))
                    except OSError: pass
                    s.close()
                    os.setsid()
                    os._exit(0)
                os.waitpid(pid, 0)
                print(pid)
                """])
        },
    ]

    func run() throws {
        let resolved = ResolvedConfiguration.load(path: config, overrides: overrides)
        for diagnostic in resolved.diagnostics { StandardError.line(diagnostic.description) }
        if resolved.hasErrors { throw ExitCode(ExitStatus.config) }
        guard getuid() == 0 else {
            StandardError.line("auspex selftest: needs root (network namespace, a root process)")
            throw ExitCode(ExitStatus.privilege)
        }
        let journald = resolved.config.journaldEnabled
        let spoolDirectory = spool ?? resolved.config.spoolConfiguration?.directory

        let namespace = "auspex-selftest-\(getpid())"
        _ = try? Self.output("/usr/sbin/ip", ["netns", "del", namespace])
        defer { _ = try? Self.output("/usr/sbin/ip", ["netns", "del", namespace]) }
        for step in [["netns", "add", namespace], ["-n", namespace, "link", "set", "lo", "up"],
                     ["-n", namespace, "addr", "add", "\(Self.address)/32", "dev", "lo"]] {
            _ = try Self.output("/usr/sbin/ip", step)
        }

        var rows: [[String]] = [["behaviour", "expected rule", "journald", "spool", "latency"]]
        var missing = 0
        for behaviour in Self.behaviours {
            let started = Date()
            let pid: String
            do {
                pid = try behaviour.run(namespace).split(separator: "\n").last.map(String.init) ?? ""
            } catch {
                rows.append([behaviour.name, behaviour.rule, "-", "-", "could not run: \(error)"])
                missing += 1
                continue
            }
            var inJournal: Date?, inSpool: Date?
            while Date().timeIntervalSince(started) < timeout {
                if journald, inJournal == nil, Self.journalHas(rule: behaviour.rule, pid: pid) { inJournal = Date() }
                if let spoolDirectory, inSpool == nil, Self.spoolHas(rule: behaviour.rule, pid: pid, in: spoolDirectory) {
                    inSpool = Date()
                }
                if (!journald || inJournal != nil) && (spoolDirectory == nil || inSpool != nil) { break }
                usleep(50_000)
            }
            let seen = [journald ? inJournal : nil, spoolDirectory != nil ? inSpool : nil].compactMap { $0 }
            let complete = (!journald || inJournal != nil) && (spoolDirectory == nil || inSpool != nil)
            if !complete { missing += 1 }
            func column(_ enabled: Bool, _ time: Date?) -> String { enabled ? (time != nil ? "yes" : "MISSING") : "off" }
            let latency = complete && !seen.isEmpty
                ? "\(Int(seen.max()!.timeIntervalSince(started) * 1000)) ms" : "-"
            rows.append([behaviour.name, behaviour.rule, column(journald, inJournal),
                         column(spoolDirectory != nil, inSpool), latency])
        }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            print(row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
        print("selftest: \(Self.behaviours.count - missing) of \(Self.behaviours.count) behaviours alerted"
              + (journald || spoolDirectory != nil ? "" : " (journald and spool are both off: nothing to check)"))
        if missing > 0 || (!journald && spoolDirectory == nil) { throw ExitCode(ExitStatus.failure) }
    }

    /// A journal entry of the alert: its rule name and the pid of its first event.
    static func journalHas(rule: String, pid: String) -> Bool {
        let entries = (try? output("/usr/bin/journalctl", ["--no-pager", "-o", "json", "AUSPEX_RULE_NAME=\(rule)",
                                                           "AUSPEX_PROCESS_PID=\(pid)"])) ?? ""
        return entries.contains("AUSPEX_RULE_NAME")
    }

    /// A spooled alert (`new/*.json`) of the rule whose events include `pid`.
    static func spoolHas(rule: String, pid: String, in directory: String) -> Bool {
        let new = directory + "/new"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: new)) ?? [] {
            guard let data = FileManager.default.contents(atPath: new + "/" + name),
                  let alert = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
                  (alert["rule"] as? [String: Any])?["name"] as? String == rule,
                  let events = alert["events"] as? [[String: Any]] else { continue }
            if events.contains(where: { ($0["process"] as? [String: Any])?["pid"].map { "\($0)" } == pid }) {
                return true
            }
        }
        return false
    }

    struct CommandFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs a program and returns its standard output; throws when it exits non-zero.
    @discardableResult
    static func output(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailed(description: "\(path) \(arguments.prefix(4).joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
