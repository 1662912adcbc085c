import ArgumentParser
import Detection
import Rules

/// `auspex check [--config FILE] [PATH…]`: validates configuration and rules without touching the kernel.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and detection rules.",
        discussion: """
            Loads the configuration (default /etc/auspex/auspex.toml, if present) and the rule files or directories \
            given (default: [rules] paths), compiles every EQL query as the daemon would and prints each problem as \
            file:line:col: severity: message (exception files of [exceptions] paths too), then a summary and the \
            kernel audit rules the rules need. Warns when a rule tests fields the audit source never produces, and \
            counts the rules that can never match (a category, action or type value no view produces, a field no \
            source produces). Exits 78 when the configuration or any rule has an \
            error, 0 otherwise (warnings alone pass).
            """)

    @Option(name: .long, help: ArgumentHelp("Configuration file to check.", valueName: "FILE"))
    var config: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a configuration key.", valueName: "SECTION.KEY=VALUE"))
    var overrides: [String] = []

    @Argument(help: ArgumentHelp("Rule files or directories (default: [rules] paths of the configuration).",
                                 valueName: "PATH"))
    var paths: [String] = []

    @Flag(name: .long, help: "Print only problems and the summary, not the derived audit rules.")
    var quiet = false

    @Flag(name: .long, help: "Print per rule whether audit data serves all, some (naming the missing) or none of its fields.")
    var coverage = false

    func run() throws {
        let resolved = ResolvedConfiguration.load(path: config, overrides: overrides)
        if RuleCheck.report(resolved, paths: paths.isEmpty ? nil : paths, quiet: quiet, coverage: coverage) {
            throw ExitCode(ExitStatus.config)
        }
    }
}
