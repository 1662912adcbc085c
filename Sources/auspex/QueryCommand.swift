import ArgumentParser
import EQL
import EventModel
import Foundation

/// `auspex query`: runs one EQL query over JSON events, as an Elasticsearch `_eql/search` would.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run an EQL query over JSON events.",
        discussion: """
            Events are a JSON array of objects or NDJSON (one object per line; `//` comment lines allowed), with \
            nested objects or dotted keys. `event.category` gives the category. Events are ordered by \
            (timestamp, tiebreaker, input order) and streamed through the matcher. Each result is printed as \
            {"join_keys": [...], "events": [...]}; a missing-event stage prints as {"missing": true}. \
            A query error prints line:column and the message on stderr and exits with status 2.
            """)

    @Option(name: .customLong("events"), help: ArgumentHelp("An events file; `-` for stdin. Repeatable; default stdin.", valueName: "FILE"))
    var eventFiles: [String] = []

    @Option(help: ArgumentHelp("The time field: epoch milliseconds (number or digits) or ISO-8601.", valueName: "FIELD"))
    var timestamp = "@timestamp"

    @Option(help: ArgumentHelp("A field that orders events with the same time (default: input order).", valueName: "FIELD"))
    var tiebreaker: String?

    @Option(help: "Print at most N results (default: all).")
    var size: Int?

    @Option(name: .customLong("max-samples-per-key"), help: "Samples per join-key tuple for sample queries.")
    var maxSamplesPerKey = 1

    @Argument(help: "The EQL query.")
    var query: String

    func validate() throws {
        if let size, size < 0 { throw ValidationError("--size must be 0 or more") }
        if maxSamplesPerKey < 1 { throw ValidationError("--max-samples-per-key must be at least 1") }
    }

    func run() throws {
        var events = JSONEventSet(timestampField: timestamp, tiebreakerField: tiebreaker)
        for file in eventFiles.isEmpty ? ["-"] : eventFiles {
            guard let bytes = Self.read(file) else {
                printError("auspex query: \(file): cannot read file")
                throw ExitCode(1)
            }
            do {
                try events.load(bytes, source: file == "-" ? "stdin" : file)
            } catch {
                printError("auspex query: \(error)")
                throw ExitCode(1)
            }
        }
        if events.untimed > 0 {
            printError("auspex query: \(events.untimed) event(s) without a readable \(timestamp) are placed at time 0")
        }
        let results: [FieldValue]
        do {
            results = try events.results(of: query, limits: MatcherLimits(maxSamplesPerKey: maxSamplesPerKey), size: size)
        } catch {
            printError("\(error)")  // line:column: message
            throw ExitCode(2)
        }
        var out: [UInt8] = []
        for line in results {
            JSONWriter.write(line, to: &out)
            out.append(0x0A)
            if out.count > 1 << 16 { FileHandle.standardOutput.write(Data(out)); out.removeAll(keepingCapacity: true) }
        }
        FileHandle.standardOutput.write(Data(out))
    }

    /// The file's bytes (`-`: standard input); nil when it cannot be read.
    private static func read(_ file: String) -> [UInt8]? {
        if file == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        return FileManager.default.contents(atPath: file).map(Array.init)
    }
}
