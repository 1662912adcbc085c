import ArgumentParser
import AuditNetlink
import Detection
import Rules
import EventModel
import Foundation

/// `auspex status`: the running daemon's state (what it last wrote to its state file) and the kernel's audit status.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running daemon's counters and the kernel audit status.",
        discussion: """
            Reads the state file the daemon rewrites every status_interval_seconds ([daemon] state_file, default \
            /run/auspex/state.json): mode, rules loaded, skipped and failed, reloads, records and events per second \
            over the last interval, alerts by rule and severity, suppressed, rate-limited and excepted counts, every \
            loss counter, queue, process table and rule-state sizes, and each alert sink's health; and, when \
            allowed (root or CAP_AUDIT_CONTROL), the kernel's audit status. Exits 3 when no daemon is running \
            (no state file, or its pid is gone: the counters of the last run are still shown).
            """)

    /// LSB's "program is not running" status.
    static let notRunning: Int32 = 3

    @Option(name: .long, help: ArgumentHelp("Configuration file (default /etc/auspex/auspex.toml if present).",
                                            valueName: "FILE"))
    var config: String?

    @Flag(name: .long, help: "Print the state as one JSON object (the state file as it is).")
    var json = false

    func run() throws {
        let resolved = ResolvedConfiguration.load(path: config, overrides: [])
        let path = resolved.config.stateFile
        guard let data = FileManager.default.contents(atPath: path) else {
            if !json { printKernelStatus(resolved) }
            printError("auspex status: no daemon is running (no state file at \(path); a running daemon writes it "
                + "every [daemon] status_interval_seconds)")
            throw ExitCode(Self.notRunning)
        }
        let state: Document
        do {
            state = Document(flattening: try JSONReader.parse(Array(data)))
        } catch {
            printError("auspex status: \(path) is not valid JSON: \(error)")
            throw ExitCode(1)
        }
        let pid = state["pid"]?.intValue ?? 0
        let running = pid > 0 && kill(pid_t(pid), 0) == 0
        if json {
            print(String(decoding: data, as: UTF8.self), terminator: "")
        } else {
            let age = state["written_at"]?.intValue.map { Int64(time(nil)) - $0 }
            print("daemon: pid \(pid) \(running ? "running" : "NOT running (counters from its last run)")"
                + (age.map { ", state written \($0) s ago" } ?? "") + " (\(path))")
            for line in StatusReport(state).lines { print(line) }
            printKernelStatus(resolved)
            print("counters:")
            for field in state.fields where field.name != "pid" && field.name != "written_at" {
                print("  \(field.name): \(JSONWriter.string(field.value))")
            }
        }
        if !running {
            printError("auspex status: no daemon is running (pid \(pid) of \(path) is gone)")
            throw ExitCode(Self.notRunning)
        }
    }

    private func printKernelStatus(_ resolved: ResolvedConfiguration) {
        do {
            let status = try AuditStatus.current()
            let ours = (try? AuditRuleSet.installedCount(key: resolved.config.auditRuleKey)).map(String.init) ?? "?"
            print("kernel audit: \(status); "
                + "\(ours) audit rules keyed \(resolved.config.auditRuleKey)")
        } catch {
            print("kernel audit: status not readable (\(error))")
        }
    }
}

/// The state file's figures grouped for a reader; keys a state file of an older daemon lacks read as "?".
struct StatusReport {
    let state: Document
    init(_ state: Document) { self.state = state }

    private func int(_ key: String) -> String { state[key]?.intValue.map(String.init) ?? "?" }
    private func rate(_ key: String) -> String {
        switch state[key] {
        case .double(let value)?: return String(format: "%.1f", value)
        case .int(let value)?: return String(value)
        default: return "?"
        }
    }

    var lines: [String] {
        var lines: [String] = []
        let reloadState: String
        switch state["reload.last_succeeded"] {
        case .bool(true)?: reloadState = ", last ok"
        case .bool(false)?: reloadState = ", LAST FAILED (running rules kept)"
        default: reloadState = ""
        }
        lines.append("version \(state["version"]?.stringValue ?? "?"), mode \(state["mode"]?.stringValue ?? "?"), "
            + "up \(int("uptime_seconds")) s")
        lines.append("rules: \(int("rules.loaded")) loaded, \(int("rules.skipped")) skipped (not EQL), "
            + "\(int("rules.failed")) failed; reloads \(int("reload.count")) (\(int("reload.failures")) failed\(reloadState))")
        lines.append("rate: \(rate("rate.records_per_second")) records/s, \(rate("rate.events_per_second")) events/s "
            + "over the last \(rate("rate.interval_seconds")) s; totals \(int("pipeline.records")) records, "
            + "\(int("pipeline.events")) events")
        lines.append("alerts: \(int("alerts.raised")) raised, \(int("alerts.passed")) passed, \(int("alerts.suppressed")) suppressed, "
            + "\(int("alerts.rate_limited")) rate-limited, \(int("alerts.summaries")) summaries; "
            + "\(int("exceptions.excepted")) events excepted")
        if case .array(let rules)? = state["alerts.by_rule"] {
            for rule in rules {
                var delivered: [String] = []
                if case .array(let counts)? = rule["delivered"] {
                    delivered = counts.map { "\($0["count"]?.intValue ?? 0) \($0["severity"]?.stringValue ?? "?")" }
                }
                lines.append("  \(rule["name"]?.stringValue ?? rule["rule"]?.stringValue ?? "?") "
                    + "(\(rule["rule"]?.stringValue ?? "?")): "
                    + (delivered.isEmpty ? "0 delivered" : delivered.joined(separator: ", "))
                    + "; suppressed \(rule["suppressed"]?.intValue ?? 0), rate-limited \(rule["rate_limited"]?.intValue ?? 0)")
            }
        }
        let causes = ["kernel_lost", "enobufs", "queue_dropped", "reassembly_lost", "reassembly_evicted",
                      "rule_state_evicted", "sink_dropped"]
        lines.append("losses: \(int("loss.total")) (" + causes.map { "\($0) \(int("loss." + $0))" }.joined(separator: ", ")
            + "); \(int("loss_alerts")) blind-spot alerts")
        lines.append("queue: \(int("queue.depth")) waiting, high water \(int("queue.high_water")); "
            + "processes: \(int("processes.count")) in the table; rule state: \(int("state.pending_keys")) keys pending")
        var sinks: [String] = []
        for field in state.fields where field.name.hasPrefix("sinks.") && field.name.hasSuffix(".delivered") {
            let name = String(field.name.dropFirst("sinks.".count).dropLast(".delivered".count))
            let healthy = state["sinks.\(name).healthy"] == .bool(true)
            let error = state["sinks.\(name).last_error"]?.stringValue.map { ", last error: \($0)" } ?? ""
            sinks.append("\(name) \(healthy ? "ok" : "UNHEALTHY") (delivered \(int("sinks.\(name).delivered")), "
                + "failed \(int("sinks.\(name).failed")), dropped \(int("sinks.\(name).dropped"))\(error))")
        }
        lines.append("sinks: " + (sinks.isEmpty ? "none" : sinks.joined(separator: "; ")))
        return lines
    }
}
