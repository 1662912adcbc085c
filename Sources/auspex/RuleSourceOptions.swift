import ArgumentParser

/// The options `run` and `replay` share: where the configuration and the rules come from, and key overrides.
struct RuleSourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (default /etc/auspex/auspex.toml if present).",
                                            valueName: "FILE"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Rule file or directory; repeatable. Replaces [rules] paths.",
                                            valueName: "PATH"))
    var rules: [String] = []

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a configuration key, e.g. spool.max_files=500.",
                                                          valueName: "SECTION.KEY=VALUE"))
    var overrides: [String] = []

    func validate() throws {
        if rules.contains(where: \.isEmpty) { throw ValidationError("--rules needs a path.") }
    }
}
