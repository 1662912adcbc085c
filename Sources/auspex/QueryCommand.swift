import ArgumentParser

/// `auspex query`: placeholder until issue #3 lands.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "query", abstract: "Run an EQL query over JSON events.")
    func run() throws { throw ValidationError("not implemented yet") }
}
