import Alerting
import Detection
import Rules

/// `auspex run` flags. They override the configuration file and are applied again on every reload, so a
/// SIGHUP re-reads the file but keeps what the command line said.
public struct RunOptions: Sendable {
    var configPath: String?
    /// `--set section.key=value` assignments, in order.
    var overrides: [String]
    /// `--rules`: replaces `[rules] paths` when not empty.
    var rulePaths: [String]
    /// `--spool DIR`: enables the spool there.
    var spoolDirectory: String?
    /// `--no-journald`
    var noJournald: Bool
    /// `--multicast`: read beside auditd instead of owning the audit socket.
    var multicast: Bool
    /// `--output` / `--color`: what `auspex run` prints on stdout for each alert (nil: nothing, as under systemd).
    var terminal: (format: AlertSinks.TerminalFormat, color: Bool)?

    public init(configPath: String? = nil, overrides: [String] = [], rulePaths: [String] = [],
                spoolDirectory: String? = nil, noJournald: Bool = false, multicast: Bool = false,
                terminal: (format: AlertSinks.TerminalFormat, color: Bool)? = nil) {
        self.terminal = terminal
        self.configPath = configPath
        self.overrides = overrides
        self.rulePaths = rulePaths
        self.spoolDirectory = spoolDirectory
        self.noJournald = noJournald
        self.multicast = multicast
    }

    /// The configuration with the flags applied.
    func resolve() -> ResolvedConfiguration {
        var resolved = ResolvedConfiguration.load(path: configPath, overrides: overrides)
        resolved.config.applyRunFlags(rulePaths: rulePaths, spoolDirectory: spoolDirectory, noJournald: noJournald,
                                      multicast: multicast)
        return resolved
    }
}
