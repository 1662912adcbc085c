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
    var strings: [String] { arguments.map { String(decoding: $0, as: UTF8.self) } }

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
    /// One argument being collected: whole (`aN=`) or in pieces (`aN_len=`, `aN[i]=`).
    private struct Argument {
        var whole: [UInt8]?
        var encodedLength: Int?
        var pieces: [(index: Int, raw: Int, bytes: [UInt8])] = []
    }

    static func assemble(_ records: some Sequence<AuditRecord>) -> ExecveArguments? {
        var argc: Int?
        var arguments: [Int: Argument] = [:]
        // The usual shape, whole arguments `a0`, `a1`, … in order, is gathered in a plain list; the first field of
        // another shape (a piece, a gap, a repeat) moves what was gathered into `arguments` and goes on there.
        var inOrder: [[UInt8]] = []
        var isInOrder = true
        var sawExecve = false
        for record in records where record.type == .execve {
            sawExecve = true
            // Keys and values read in place: a value's bytes are copied once, into its argument.
            record.withBorrowedFields { fields in
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
                    let value = fields.value(at: index)
                    if isInOrder {
                        if case .whole = parsed.part, parsed.number == inOrder.count {
                            inOrder.append(value.decodedBytes)
                            continue
                        }
                        isInOrder = false
                        for (number, bytes) in inOrder.enumerated() { arguments[number] = Argument(whole: bytes) }
                    }
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
        guard sawExecve else { return nil }
        guard isInOrder else { return build(argc: argc, arguments) }
        // As `build` reads arguments 0..<count whole: argc (else their count) of them, incomplete when fewer.
        let expected = argc ?? inOrder.count
        return ExecveArguments(argc: argc, arguments: Array(inOrder.prefix(expected)), isComplete: expected <= inOrder.count)
    }

    /// Arguments 0, 1, … in order, stopping at the first one missing or with missing pieces.
    private static func build(argc: Int?, _ arguments: [Int: Argument]) -> ExecveArguments {
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
