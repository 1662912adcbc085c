import ArgumentParser
import Detection

/// The auspex command line: one subcommand per type, each in its own file.
@main
struct Auspex: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auspex",
        abstract: "Host detection daemon: kernel audit events → ECS → EQL rules → alerts.",
        version: BuildInfo.version,
        subcommands: [EventsCommand.self, QueryCommand.self, ReplayCommand.self, CheckCommand.self, RunCommand.self, StatusCommand.self, ExceptionCommand.self,
                      SelftestCommand.self]
    )
}

/// One line on stderr (the daemon's writer: one `write`, EINTR and short writes handled).
func printError(_ message: String) {
    StandardError.line(message)
}
