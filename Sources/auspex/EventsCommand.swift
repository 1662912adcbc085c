import ArgumentParser
import Detection
import Events
import Rules
#if canImport(Glibc)
import Glibc
#endif

/// `auspex events`: audit records → ECS JSON documents, one per line on stdout; counters on stderr.
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print audit events as ECS JSON, one document per line.",
        discussion: """
            Without --file, reads the live kernel: registers as the audit daemon (or, with --multicast, listens \
            beside auditd), installs the audit rules it needs (key "auspex") and removes them again on exit, \
            SIGINT and SIGTERM included. With --file, reads audit.log text. A summary goes to stderr.
            """)

    @Option(name: .long, help: ArgumentHelp("Read audit.log text from PATH ('-' for stdin) instead of the kernel.",
                                            valueName: "PATH"))
    var file: String?

    @Flag(help: "Read the kernel's multicast copy beside a running auditd instead of registering as the audit daemon.")
    var multicast = false

    @Flag(name: .customLong("no-rules"), help: "Install no audit rules; read what the kernel's current rules produce.")
    var noRules = false

    @Option(help: ArgumentHelp("Stop after N documents.", valueName: "N"))
    var count: UInt64?

    @Option(help: ArgumentHelp("Stop after SECONDS of reading the kernel.", valueName: "SECONDS"))
    var duration: Double?

    @Option(help: ArgumentHelp("Netlink receive buffer size.", valueName: "BYTES"))
    var receiveBuffer: Int = 8 << 20

    @Option(name: .customLong("kernel-state-file"),
            help: ArgumentHelp("Where the original kernel audit settings are recorded while they are changed, so that "
                + "the next run restores them after a SIGKILL or crash.", valueName: "PATH"))
    var kernelStateFile = AuspexConfig().kernelStateFile

    func validate() throws {
        if file != nil, multicast { throw ValidationError("--multicast reads the kernel; it cannot go with --file.") }
        if file != nil, noRules { throw ValidationError("--no-rules applies to the kernel; it cannot go with --file.") }
        if let count, count == 0 { throw ValidationError("--count must be at least 1.") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds.") }
        if !kernelStateFile.hasPrefix("/") { throw ValidationError("--kernel-state-file needs an absolute path.") }
        if receiveBuffer < 64 << 10 { throw ValidationError("--receive-buffer must be at least 65536 bytes.") }
    }

    func run() throws {
        let settings = PipelineSettings(host: HostInfo.current(), liveProcesses: file == nil)
        var events = EventDocuments(descriptor: 1, documentLimit: count, settings: settings)
        if let file {
            let descriptor = file == "-" ? 0 : open(file, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw ValidationError("cannot open \(file): \(String(cString: strerror(errno)))")
            }
            defer { if descriptor != 0 { close(descriptor) } }
            events.readLog(descriptor: descriptor, name: file)
        } else if try !events.readKernel(multicast: multicast, installRules: !noRules, receiveBufferBytes: receiveBuffer,
                                         kernelStateFile: kernelStateFile, duration: duration) {
            throw ExitCode.failure
        }
    }
}
