@testable import EQL
@testable import EventModel
import Foundation
import PackageTestSupport
@testable import Rules
import XCTest

/// One `[[queries]]` entry of an Elasticsearch QA spec file.
struct SpecQuery {
    var name: String
    var query: String
    /// One or more acceptable flattened id lists (`-1` = missing event).
    var expected: [[Int64]]
    var joinKeys: [String]?
    var size: Int?
    var maxSamplesPerKey: Int
}

/// The data set a spec file runs against, loaded as the ES harness does (spec §2).
struct SpecDataset {
    var events: JSONEventSet
    var idField: String

    /// The id of a result event (the tiebreaker or `id` field), -1 for a missing stage.
    func id(_ event: SlotEvent?) -> Int64 {
        guard let event else { return -1 }
        guard let slot = events.schema.slot(for: idField), case let value = event[slot], let id = value.intValue else { return -2 }
        return id
    }
}

enum ConformanceSupport {
    static func dataset(files: [String], options: JSONEventSet.Options, idField: String) throws -> SpecDataset {
        var events = JSONEventSet(options: options)
        for file in files {
            let url = try PackagePaths.shared().appendingPathComponent("eql-suite/es-qa/data/\(file)")
            try events.load(Array(try Data(contentsOf: url)), source: file)
        }
        return SpecDataset(events: events, idField: idField)
    }

    /// The Endgame data (`endgame-140`): FILETIME → ms, `event_type` as category, `serial_event_id` tiebreaker.
    static func endgame() throws -> SpecDataset {
        try dataset(files: ["endgame-140.data"],
                    options: .init(timestampField: "timestamp", timestampEncoding: .fileTime, tiebreakerField: "serial_event_id",
                                   categoryField: "event_type", timestampCopyField: "@timestamp", requireTimestamp: true),
                    idField: "serial_event_id")
    }

    static func loadQueries(_ file: String) throws -> [SpecQuery] {
        let text = nullsQuoted(try SharedData.text("eql-suite/es-qa/\(file)"))
        let table = try TOMLParser.parse(text).root
        guard let entries = table["queries"]?.array else { return [] }
        var queries: [SpecQuery] = []
        for (index, entry) in entries.enumerated() {
            guard let entry = entry.table, let query = entry["query"]?.string else { continue }
            var expected: [[Int64]] = []
            if let ids = entry["expected_event_ids"]?.array {
                if ids.contains(where: { $0.array != nil }) {
                    expected = ids.compactMap { $0.array?.compactMap { $0.int.map(Int64.init) } }
                } else {
                    expected = [ids.compactMap { $0.int.map(Int64.init) }]
                }
            }
            let joinKeys = entry["join_keys"]?.array?.map(joinKeyText)
            queries.append(SpecQuery(
                name: entry["name"]?.string ?? "\(file)#\(index + 1)",
                query: query.trimmingCharacters(in: .whitespacesAndNewlines),
                expected: expected, joinKeys: joinKeys,
                size: entry["size"]?.int, maxSamplesPerKey: entry["max_samples_per_key"]?.int ?? 1))
        }
        return queries
    }

    /// A join key as the suite writes it: strings as they are, numbers and booleans as their text.
    private static func joinKeyText(_ value: TOMLValue) -> String {
        switch value {
        case .string(let text): return text
        case .integer(let number): return "\(number)"
        case .float(let number): return "\(number)"
        case .boolean(let flag): return "\(flag)"
        default: return "\(value)"
        }
    }

    /// test_extra.toml writes bare `null` inside `join_keys` arrays (jtoml accepts it); quote it.
    static func nullsQuoted(_ text: String) -> String {
        var inJoinKeys = false
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var line = String(line)
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("join_keys") { inJoinKeys = true }
            if inJoinKeys {
                line = line.replacingOccurrences(of: #"(?<=[\[,\s])null(?=\s*[,\]]|\s*$)"#, with: "\"null\"",
                                                 options: .regularExpression)
                if line.contains("]") { inJoinKeys = false }
            }
            return line
        }.joined(separator: "\n")
    }

    /// How the ES tests render a join-key value.
    static func render(_ value: FieldValue) -> String {
        switch value {
        case .null: return "null"
        case .string(let s): return s
        case .int(let i): return "\(i)"
        case .bool(let b): return b ? "true" : "false"
        case .double(let d): return "\(d)"
        default: return JSONWriter.string(value)
        }
    }
}
