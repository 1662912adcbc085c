import ArgumentParser

/// `auspex events`: placeholder until issue #2 lands.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "Print audit events as ECS JSON, one per line.")
    func run() throws { throw ValidationError("not implemented yet") }
}
