import Alerting
import ArgumentParser
import Detection
import Rules
#if canImport(Glibc)
import Glibc
#endif

/// `auspex replay FILE|-`: the daemon's detection path over audit.log text; alerts as NDJSON on stdout.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run the detection rules over an audit.log; print alerts as NDJSON.",
        discussion: """
            Reads audit.log text (auditd's on-disk format, also ENRICHED and node= lines), reassembles, normalizes \
            and matches it exactly as `auspex run` does, in file order. Alerts go to stdout, one JSON object per \
            line, and with --spool also to a spool directory. Rules that fail to compile are reported on stderr \
            and left out. Suppression, rate limits and size bounds apply as in the daemon, on event time \
            (--no-suppression passes every alert). A summary (records, events, alerts, throughput) goes to stderr.
            """)

    @Argument(help: ArgumentHelp("audit.log file to replay, or '-' for standard input.", valueName: "FILE"))
    var file: String

    @OptionGroup var source: RuleSourceOptions

    @Option(name: .long, help: ArgumentHelp("Also write each alert to this spool directory.", valueName: "DIR"))
    var spool: String?


    @Flag(name: .long, help: "Print no alerts on stdout (with --spool, or to measure throughput).")
    var quiet = false

    @Flag(name: .customLong("no-suppression"),
          help: "Pass every alert: no suppression and no rate limit (alerts are still size-bounded).")
    var noSuppression = false

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let resolved = ResolvedConfiguration.load(path: source.config, overrides: source.overrides)
        resolved.diagnostics.forEach { StandardError.line($0.description) }
        if resolved.hasErrors { throw ExitCode(ExitStatus.config) }
        let paths = source.rules.isEmpty ? resolved.config.rulePaths : source.rules

        let load = resolved.config.loadRules(paths: paths)
        load.diagnostics.forEach { StandardError.line($0.description) }
        if load.ruleSet.count == 0 {
            StandardError.line("auspex replay: no rule compiled from \(paths.joined(separator: ", "))")
            throw ExitCode(ExitStatus.config)
        }

        var sinks: [AlertSink] = quiet ? [] : [AlertSinks.stdout()]
        if let spool {
            do {
                sinks.append(try AlertSinks.spool(SpoolConfiguration(directory: spool)))
            } catch {
                StandardError.line("auspex replay: spool \(spool): \(error)")
                throw ExitCode(ExitStatus.config)
            }
        }

        let descriptor = file == "-" ? STDIN_FILENO : open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            StandardError.line("auspex replay: cannot open \(file): \(String(cString: strerror(errno)))")
            throw ExitCode(ExitStatus.noInput)
        }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }

        // The daemon's gate after the rules, on event time: suppression windows and rate limits follow the log.
        let policy = resolved.config.alertPolicy
        let outcome = LogReplay.run(descriptor: descriptor, ruleSet: load.ruleSet, settings: resolved.config.pipelineSettings(),
                                    policy: noSuppression ? policy.unsuppressed : policy, sinks: sinks)
        StandardError.line(outcome.summary)
        if let error = outcome.readError {
            StandardError.line("auspex replay: reading \(file): \(String(cString: strerror(error)))")
            throw ExitCode(ExitStatus.failure)
        }
        if sinks.contains(where: { $0.counters.failed > 0 || $0.counters.dropped > 0 }) {
            throw ExitCode(ExitStatus.failure)
        }
    }
}
