import Alerting
import ArgumentParser
import Daemon
import Detection
#if canImport(Glibc)
import Glibc
#endif

/// `auspex run`: the detection daemon in the foreground (systemd Type=notify service).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the detection daemon in the foreground.",
        discussion: """
            Reads the kernel audit stream (as the audit daemon by default, or beside auditd with --multicast), \
            installs the audit rules the loaded detection rules need (key "auspex"; removed again on exit), \
            matches every event against the rules and writes alerts to journald and the spool. \
            SIGHUP reloads configuration and rules (the running ones stay if the new ones have errors); \
            SIGTERM and SIGINT stop cleanly. Exit status: 0 clean stop, 1 runtime failure, 64 usage error, \
            77 missing privilege, 78 configuration or rule error.
            """)

    @OptionGroup var source: RuleSourceOptions

    @Option(name: .long, help: ArgumentHelp("Spool directory for alerts (enables the spool).", valueName: "DIR"))
    var spool: String?

    @Flag(name: .customLong("no-journald"), help: "Do not send alerts to journald.")
    var noJournald = false

    @Flag(help: "Read the audit multicast group beside auditd instead of owning the audit socket.")
    var multicast = false

    @Option(name: .long, help: ArgumentHelp(
        "What to print on stdout per alert: auto (the reason line when stdout is a terminal, else nothing), "
            + "text (reason lines), ndjson (alert documents), none.", valueName: "auto|text|ndjson|none"))
    var output = "auto"

    @Option(name: .long, help: ArgumentHelp("Colour reason lines by severity: auto (on a terminal), always, never.",
                                            valueName: "auto|always|never"))
    var color = "auto"

    func validate() throws {
        if let spool, spool.isEmpty { throw ValidationError("--spool needs a directory.") }
        guard ["auto", "text", "ndjson", "none"].contains(output) else {
            throw ValidationError("--output must be auto, text, ndjson or none.")
        }
        guard ["auto", "always", "never"].contains(color) else {
            throw ValidationError("--color must be auto, always or never.")
        }
    }

    /// The terminal view: reason lines only on a terminal unless asked; nothing under systemd (stdout not a tty).
    var terminal: (format: AlertSinks.TerminalFormat, color: Bool)? {
        let format: AlertSinks.TerminalFormat
        switch output {
        case "text": format = .reason
        case "ndjson": format = .ndjson
        case "none": return nil
        default:
            guard isatty(STDOUT_FILENO) == 1 else { return nil }
            format = .reason
        }
        let colored = format == .reason && (color == "always" || (color == "auto" && AlertSinks.terminalWantsColor()))
        return (format, colored)
    }

    func run() throws {
        let options = RunOptions(configPath: source.config, overrides: source.overrides, rulePaths: source.rules, spoolDirectory: spool,
                                 noJournald: noJournald, multicast: multicast, terminal: terminal)
        let status = LiveDaemon.run(options: options)
        if status != ExitStatus.success { throw ExitCode(status) }
    }
}
