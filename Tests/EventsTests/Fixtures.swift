@testable import AuditRecords
import Foundation
@testable import EventModel
@testable import Events
@testable import Reassembler
import PackageTestSupport
import XCTest

/// Shared test helpers: reading ../shared, turning audit.log text into events, comparing documents.
enum Fixtures {
    static func read(_ relativePath: String) throws -> [UInt8] {
        let path = try PackagePaths.shared(relativePath).path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw XCTSkip("missing reference file \(path)")
        }
        return [UInt8](data)
    }

    /// Parses audit.log text and groups records into events by serial, in order of first appearance
    /// (EOE dropped). A test-side grouping, so these tests do not depend on the reassembler's timing.
    static func events(fromLog bytes: [UInt8]) throws -> [AuditEvent] {
        var order: [UInt32] = []
        var records: [UInt32: [AuditRecord]] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n")) where !line.allSatisfy({ $0 == 0x20 }) {
            switch AuditParser.parseLogLine(line) {
            case .success(let record):
                if record.type == .eoe { continue }
                if records[record.serial] == nil { order.append(record.serial) }
                records[record.serial, default: []].append(record)
            case .failure(let error):
                XCTFail("unparsable line (\(error)): \(String(decoding: line, as: UTF8.self))")
            }
        }
        return order.map { serial in
            let group = records[serial]!
            return AuditEvent(serial: serial, timestamp: group[0].timestamp, records: group)
        }
    }

    static func events(fromLogText text: String) throws -> [AuditEvent] {
        try events(fromLog: Array(text.utf8))
    }

    static let host = HostInfo(id: "0123456789abcdef0123456789abcdef", name: "testhost")

    /// The names the example documents were generated with.
    static let exampleNames = StaticNameLookup(users: ["0": "root", "1000": "vagrant", "1001": "alice"],
                                               groups: ["0": "root", "1000": "vagrant"])

    static func normalizer(names: any NameLookup = exampleNames) -> Normalizer {
        Normalizer(host: host, names: names)
    }

    /// A value with object keys sorted (recursively) and every scalar as a string, for order- and
    /// type-insensitive comparison of `auditd.paths` and numbers written as strings.
    static func canonical(_ value: FieldValue) -> FieldValue {
        switch value {
        case .object(let entries):
            return .object(entries.map { .init($0.key, canonical($0.value)) }.sorted { $0.key < $1.key })
        case .array(let items): return .array(items.map(canonical))
        case .int(let i): return .string(String(i))
        case .double(let d): return .string(d.rounded() == d ? String(Int64(d)) : String(d))
        case .bool(let b): return .string(String(b))
        default: return value
        }
    }

    /// Field-by-field differences between `expected` and `actual` on the fields `compared` selects.
    static func differences(expected: [String: FieldValue], actual: Document,
                            compared: (String) -> Bool) -> [String] {
        var actualFields: [String: FieldValue] = [:]
        for field in actual.fields where compared(field.name) { actualFields[field.name] = field.value }
        var out: [String] = []
        for (name, value) in expected.sorted(by: { $0.key < $1.key }) where compared(name) {
            guard let got = actualFields[name] else {
                out.append("missing \(name) = \(JSONWriter.string(value))")
                continue
            }
            if canonical(got) != canonical(value) {
                out.append("\(name): expected \(JSONWriter.string(value)), got \(JSONWriter.string(got))")
            }
        }
        for (name, value) in actualFields.sorted(by: { $0.key < $1.key }) where expected[name] == nil {
            out.append("unexpected \(name) = \(JSONWriter.string(value))")
        }
        return out
    }
}
