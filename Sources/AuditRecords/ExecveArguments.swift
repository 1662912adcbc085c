/// The argument vector of an execve, assembled from one or more EXECVE records.
///
/// The kernel writes `argc=N a0=… a1=…`; an argument too long for one record is split as
/// `aN_len=L aN[0]=… aN[1]=…`, possibly across several EXECVE records of the same event. Each piece is
/// quoted or hex-encoded on its own.
public struct ExecveArguments: Sendable, Equatable {
    /// `argc=` of the first EXECVE record, when present.
    public let argc: Int?
    /// Decoded arguments in order, as bytes (arguments are not required to be UTF-8).
    public let arguments: [[UInt8]]
    /// False when arguments were missing (lost records, truncated lines) or pieces did not add up.
    public let isComplete: Bool

    /// The arguments as text (invalid UTF-8 repaired with U+FFFD).
    public var strings: [String] { arguments.map { String(decoding: $0, as: UTF8.self) } }

    /// Assembles the arguments of the EXECVE records among `records` (other record types are ignored);
    /// nil when there is no EXECVE record.
    public init?(records: some Sequence<AuditRecord>) {
        guard let assembled = ExecveAssembler.assemble(records) else { return nil }
        self = assembled
    }

    init(argc: Int?, arguments: [[UInt8]], isComplete: Bool) {
        self.argc = argc
        self.arguments = arguments
        self.isComplete = isComplete
    }
}

enum ExecveAssembler {
    static func assemble(_ records: some Sequence<AuditRecord>) -> ExecveArguments? {
        nil
    }
}
