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
