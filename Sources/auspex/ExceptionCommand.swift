import ArgumentParser

/// `auspex exception …`: manage exception lists (Kibana's NDJSON export format) in `[exceptions] paths`.
struct ExceptionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exception",
        abstract: "Manage exception lists.",
        discussion: """
            Exception lists are files in Kibana's NDJSON export format in [exceptions] paths \
            (/etc/auspex/exceptions.d/*.ndjson); `auspex check` validates them, a reload (SIGHUP) applies them.
            """,
        subcommands: [ExceptionAddCommand.self])
}
