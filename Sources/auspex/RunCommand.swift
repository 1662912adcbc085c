import ArgumentParser
import Daemon
import Detection

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


    func validate() throws {
        if let spool, spool.isEmpty { throw ValidationError("--spool needs a directory.") }
    }

    func run() throws {
        let options = RunOptions(configPath: source.config, overrides: source.overrides, rulePaths: source.rules, spoolDirectory: spool,
                                 noJournald: noJournald, multicast: multicast)
        let status = LiveDaemon.run(options: options)
        if status != ExitStatus.success { throw ExitCode(status) }
    }
}
