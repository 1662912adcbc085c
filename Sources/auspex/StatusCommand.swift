import ArgumentParser
import AuditNetlink
import Detection
import EventModel
import Foundation

/// `auspex status`: what a running daemon last wrote to its state file, and the kernel's audit status.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running daemon's counters and the kernel audit status.",
        discussion: """
            Prints the state file the daemon rewrites every status_interval_seconds ([daemon] state_file, default \
            /run/auspex/state.json) and, when allowed (root or CAP_AUDIT_CONTROL), the kernel's audit status: who \
            owns the audit socket, the backlog and the kernel's lost counter. Exits 1 when there is no state file.
            """)

    @Option(name: .long, help: ArgumentHelp("Configuration file (default /etc/auspex/auspex.toml if present).",
                                            valueName: "FILE"))
    var config: String?

    @Flag(name: .long, help: "Print the state file's JSON as it is.")
    var json = false

    func run() throws {
        let resolved = ResolvedConfiguration.load(path: config, overrides: [])
        let path = resolved.config.daemon.stateFile
        if !json { printKernelStatus(resolved) }
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("auspex status: no state file at \(path): the daemon is not running, or runs with another [daemon] state_file")
            throw ExitCode(1)
        }
        if json {
            print(String(decoding: data, as: UTF8.self), terminator: "")
            return
        }
        do {
            let state = Document(flattening: try JSONReader.parse(Array(data)))
            let pid = state["pid"]?.intValue ?? 0
            let running = pid > 0 && kill(pid_t(pid), 0) == 0
            let age = state["written_at"]?.intValue.map { Int64(time(nil)) - $0 }
            print("daemon: pid \(pid) \(running ? "running" : "NOT running (counters from its last run)")"
                + (age.map { ", state written \($0) s ago" } ?? "") + " (\(path))")
            for field in state.fields where field.name != "pid" && field.name != "written_at" {
                print("  \(field.name): \(JSONWriter.string(field.value))")
            }
        } catch {
            printError("auspex status: \(path) is not valid JSON: \(error)")
            throw ExitCode(1)
        }
    }

    private func printKernelStatus(_ resolved: ResolvedConfiguration) {
        do {
            let socket = try AuditSocket(.unicast)
            let status = try socket.status()
            let ours = (try? socket.countRules(key: resolved.config.audit.ruleKey)).map(String.init) ?? "?"
            print("kernel audit: enabled \(status.enabled), audit pid \(status.pid)\(status.pid == 0 ? " (no audit daemon)" : ""), "
                + "lost \(status.lost), backlog \(status.backlog)/\(status.backlogLimit), backlog_wait_time \(status.backlogWaitTime); "
                + "\(ours) audit rules keyed \(resolved.config.audit.ruleKey)")
        } catch {
            print("kernel audit: status not readable (\(error))")
        }
    }
}
