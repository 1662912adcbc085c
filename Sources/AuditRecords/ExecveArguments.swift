/// The argument vector of an execve, assembled from one or more EXECVE records.
///
/// The kernel writes `argc=N a0=… a1=…`; an argument too long for one record is split as
/// `aN_len=L aN[0]=… aN[1]=…`, possibly across several EXECVE records of the same event. Each piece is
/// quoted or hex-encoded on its own.
///
/// Generic over what an argument becomes: its decoded bytes (`[UInt8]`), or whatever the caller makes of them
/// (the normalizer makes its document's values straight from the record's bytes, with no array per argument).
public struct ExecveArguments<Argument> {
    /// `argc=` of the first EXECVE record, when present.
    public let argc: Int?
    /// Decoded arguments in order (arguments are not required to be UTF-8).
    public let arguments: [Argument]
    /// False when arguments were missing (lost records, truncated lines) or pieces did not add up.
    public let isComplete: Bool

    /// Assembles the arguments of the EXECVE records among `records` (other record types are ignored); nil when
    /// there is no EXECVE record. An argument logged whole is made by `whole` from its number and value; one logged
    /// in pieces by `joined` from its number and their decoded bytes. A value made may still be left out (beyond
    /// `argc`): the number tells which argument it was.
    public init?(records: some Sequence<AuditRecord>, whole: (Int, BorrowedValue) -> Argument,
                 joined: (Int, [UInt8]) -> Argument) {
        guard let assembled = ExecveAssembler.assemble(records, whole: whole, joined: joined) else { return nil }
        self = assembled
    }

    init(argc: Int?, arguments: [Argument], isComplete: Bool) {
        self.argc = argc
        self.arguments = arguments
        self.isComplete = isComplete
    }
}

extension ExecveArguments: Sendable where Argument: Sendable {}
extension ExecveArguments: Equatable where Argument: Equatable {}

extension ExecveArguments<[UInt8]> {
    /// The arguments as decoded bytes.
    init?(records: some Sequence<AuditRecord>) {
        self.init(records: records, whole: { $1.decodedBytes }, joined: { $1 })
    }

    /// The arguments as text (invalid UTF-8 repaired with U+FFFD).
    var strings: [String] { arguments.map { String(decoding: $0, as: UTF8.self) } }
}

enum ExecveAssembler {
    /// One argument being collected: whole (`aN=`) or in pieces (`aN_len=`, `aN[i]=`).
    private struct Argument {
        var whole: [UInt8]?
        var encodedLength: Int?
        var pieces: [(index: Int, raw: Int, bytes: [UInt8])] = []
    }

    static func assemble<Made>(_ records: some Sequence<AuditRecord>, whole: (Int, BorrowedValue) -> Made,
                               joined: (Int, [UInt8]) -> Made) -> ExecveArguments<Made>? {
        switch wholeInOrder(records, whole: whole) {
        case .noExecve: return nil
        case .assembled(let arguments): return arguments
        case .otherShape:
            // Any other shape starts over with every argument as bytes.
            let (argc, arguments) = collect(records)
            let assembled = build(argc: argc, arguments)
            return ExecveArguments(argc: assembled.argc,
                                   arguments: assembled.arguments.enumerated().map { joined($0.offset, $0.element) },
                                   isComplete: assembled.isComplete)
        }
    }

    private enum InOrder<Made> {
        case noExecve, otherShape
        case assembled(ExecveArguments<Made>)
    }

    /// The usual shape: whole arguments `a0`, `a1`, … in order, each made straight from its value (read in
    /// place); `.otherShape` at the first field of another shape (a piece, a gap, a repeat).
    private static func wholeInOrder<Made>(_ records: some Sequence<AuditRecord>,
                                           whole: (Int, BorrowedValue) -> Made) -> InOrder<Made> {
        var argc: Int?
        var inOrder: [Made] = []
        var sawExecve = false
        for record in records where record.type == .execve {
            sawExecve = true
            let isInOrder = record.withBorrowedFields { fields in
                for index in 0..<fields.count {
                    let key = fields.key(at: index)
                    if key.equals("argc") {
                        if argc == nil, let value = fields.value(at: index).int, value >= 0, value <= Int64(Int32.max) {
                            argc = Int(value)
                            inOrder.reserveCapacity(min(Int(value), 256))  // argc comes first: no regrowth
                        }
                        continue
                    }
                    guard let parsed = ArgumentKey(key) else { continue }
                    guard case .whole = parsed.part, parsed.number == inOrder.count else { return false }
                    inOrder.append(whole(parsed.number, fields.value(at: index)))
                }
                return true
            }
            if !isInOrder { return .otherShape }
        }
        guard sawExecve else { return .noExecve }
        // As `build` reads arguments 0..<count whole: argc (else their count) of them, incomplete when fewer.
        let expected = argc ?? inOrder.count
        if expected < inOrder.count { inOrder.removeSubrange(expected...) }  // in place: no second array
        return .assembled(ExecveArguments(argc: argc, arguments: inOrder, isComplete: expected <= inOrder.count))
    }

    /// Every argument field of the EXECVE records, by argument number, as bytes.
    private static func collect(_ records: some Sequence<AuditRecord>) -> (argc: Int?, arguments: [Int: Argument]) {
        var argc: Int?
        var arguments: [Int: Argument] = [:]
        for record in records where record.type == .execve {
            // Keys and values read in place: a value's bytes are copied once, into its argument.
            record.withBorrowedFields { fields in
                for index in 0..<fields.count {
                    let key = fields.key(at: index)
                    if key.equals("argc") {
                        if argc == nil, let value = fields.value(at: index).int, value >= 0, value <= Int64(Int32.max) {
                            argc = Int(value)
                        }
                        continue
                    }
                    guard let parsed = ArgumentKey(key) else { continue }
                    let value = fields.value(at: index)
                    switch parsed.part {
                    case .whole:
                        arguments[parsed.number, default: Argument()].whole = value.decodedBytes
                    case .length:
                        arguments[parsed.number, default: Argument()].encodedLength = value.int.map { Int(clamping: $0) }
                    case .piece(let piece):
                        arguments[parsed.number, default: Argument()].pieces
                            .append((piece, value.raw.count, value.decodedBytes))
                    }
                }
            }
        }
        return (argc, arguments)
    }

    /// Arguments 0, 1, … in order, stopping at the first one missing or with missing pieces.
    private static func build(argc: Int?, _ arguments: [Int: Argument]) -> ExecveArguments<[UInt8]> {
        let expected = argc ?? ((arguments.keys.max() ?? -1) + 1)
        var assembled: [[UInt8]] = []
        var complete = true
        for number in 0..<expected {
            guard let argument = arguments[number] else { complete = false; break }
            if let whole = argument.whole {
                assembled.append(whole)
                continue
            }
            let pieces = argument.pieces.sorted { $0.index < $1.index }
            guard !pieces.isEmpty, pieces.enumerated().allSatisfy({ $0.offset == $0.element.index }) else {
                complete = false
                break
            }
            assembled.append(pieces.flatMap(\.bytes))
            if let length = argument.encodedLength, length != pieces.reduce(0, { $0 + $1.raw }) {
                complete = false  // pieces missing at the end (record lost or truncated)
                break
            }
        }
        return ExecveArguments(argc: argc, arguments: assembled, isComplete: complete)
    }
}

/// `aN`, `aN_len` or `aN[i]`.
struct ArgumentKey {
    enum Part { case whole, length, piece(Int) }
    let number: Int
    let part: Part

    init?(_ key: UnsafeBufferPointer<UInt8>) {
        guard key.first == UInt8(ascii: "a") else { return nil }
        var rest = key.dropFirst()
        let digits = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard let number = Decimal.parseUInt64(digits), number <= UInt64(Int32.max) else { return nil }
        self.number = Int(number)
        rest = rest.dropFirst(digits.count)
        if rest.isEmpty {
            part = .whole
        } else if rest.elementsEqual("_len".utf8) {
            part = .length
        } else if rest.first == UInt8(ascii: "["), rest.last == UInt8(ascii: "]"),
                  let piece = Decimal.parseUInt64(rest.dropFirst().dropLast()), piece <= UInt64(Int32.max) {
            part = .piece(Int(piece))
        } else {
            return nil
        }
    }
}
