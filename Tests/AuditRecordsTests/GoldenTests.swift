@testable import AuditRecords
import Foundation
import XCTest

/// Decoding checked field by field against go-libaudit's auparse golden files (`AuditMessage.ToMapStr()` output).
///
/// Compared: every field the raw record carries, decoded the way the ECS mapping needs it (hex strings, arch and
/// syscall names, exit names, SOCKADDR, EXECVE arguments). Not compared, because they are go-libaudit enrichments
/// the normalizer (Events) owns, not decoding: `result` (from success/res), `auid`/`ses` = "unset", SELinux
/// `subj_*`/`obj_*` splits, `key` → tags, and AVC `seresult`/`seperms`.
final class GoldenTests: XCTestCase {
    /// Intentional differences, keyed `record_type.key`, with the reason.
    static let intentionalDifferences: [String: String] = [:]

    func testDecodingMatchesGoLibauditGoldenFiles() throws {
        let directory = try SharedSamples.url("go-libaudit/auparse/testdata")
        let goldenFiles = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".golden") }.sorted()
        XCTAssertEqual(goldenFiles.count, 7)
        var compared = 0
        var mismatches: [String] = []
        var intentional: Set<String> = []
        for name in goldenFiles {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            let entries = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [Any])
            for case let entry as [String: Any] in entries {
                let typeName = try XCTUnwrap(entry["record_type"] as? String).uppercased()
                let type = try XCTUnwrap(AuditRecordType(name: typeName), typeName)
                let raw = try XCTUnwrap(entry["raw_msg"] as? String)
                let record = try AuditParser.parseNetlink(type: type.rawValue, payload: Array(raw.utf8)).get()
                XCTAssertEqual(Int(record.serial), entry["sequence"] as? Int, raw)
                XCTAssertEqual(record.timestamp.millisecondsSinceEpoch,
                               try Self.milliseconds(fromGoTimestamp: try XCTUnwrap(entry["@timestamp"] as? String)), raw)
                for (key, expected) in (entry["data"] as? [String: String]) ?? [:] {
                    let label = "\(typeName.lowercased()).\(key)"
                    guard let ours = GoldenView.value(of: key, in: record) else {
                        if GoldenView.isEnrichment(key: key, expected: expected, record: record) { continue }
                        if Self.intentionalDifferences[label] != nil { intentional.insert(label); continue }
                        mismatches.append("\(name) #\(record.serial) \(key): missing, golden \(expected)")
                        continue
                    }
                    compared += 1
                    if ours == expected { continue }
                    if GoldenView.isEnrichment(key: key, expected: expected, record: record) { continue }
                    if Self.intentionalDifferences[label] != nil { intentional.insert(label); continue }
                    mismatches.append("\(name) #\(record.serial) \(key): ours \(ours) golden \(expected)")
                }
            }
        }
        XCTAssertGreaterThan(compared, 600)
        XCTAssertEqual(mismatches, [])
        print("golden: \(compared) fields compared; intentional differences seen: \(intentional.sorted())")
    }

    /// `2016-12-07T02:21:48.36Z` (Go trims trailing zeros of the fraction) → milliseconds since the epoch.
    static func milliseconds(fromGoTimestamp text: String) throws -> Int64 {
        let parts = text.dropLast().split(separator: ".")
        let formatter = ISO8601DateFormatter()
        let date = try XCTUnwrap(formatter.date(from: parts[0] + "Z"), text)
        let fraction = parts.count > 1 ? String(parts[1]).padding(toLength: 3, withPad: "0", startingAt: 0) : "000"
        return Int64(date.timeIntervalSince1970) * 1000 + (Int64(fraction) ?? 0)
    }
}

/// Our decoding of a record, laid out like go-libaudit's `ToMapStr()` data map.
enum GoldenView {
    static func value(of key: String, in record: AuditRecord) -> String? {
        switch (record.type, key) {
        case (.syscall, "arch"), (.seccomp, "arch"):
            guard let value = record["arch"] else { return nil }
            return AuditArch(value)?.name ?? value.rawString
        case (.syscall, "syscall"), (.seccomp, "syscall"):
            guard let value = record["syscall"] else { return nil }
            guard let arch = record["arch"].flatMap(AuditArch.init), let number = value.int,
                  let name = arch.syscallName(Int(number)) else { return value.rawString }
            return name
        case (.seccomp, "sig"):
            guard let value = record["sig"] else { return nil }
            return value.int.flatMap { AuditSignal.name(Int($0)) } ?? value.rawString
        case (_, "exit"):
            guard let value = record["exit"] else { return nil }
            return value.int.map(AuditExit.name) ?? value.rawString
        case (.sockaddr, _):
            guard let value = record["saddr"], let address = SocketAddress(saddr: value) else { return nil }
            switch key {
            case "family": return address.familyName
            case "addr": return address.address
            case "port": return address.port.map { String($0) }
            case "path": return address.isAbstract ? "" : address.path
            case "saddr":
                if case .inet = address { return nil }
                if case .inet6 = address { return nil }
                return value.rawString
            default: return nil
            }
        case (.execve, _) where key.hasPrefix("a") && key != "argc":
            guard let number = Int(key.dropFirst()), let arguments = ExecveArguments(records: [record]),
                  number < arguments.strings.count else { return record[key]?.string }
            return arguments.strings[number]
        case (.proctitle, "proctitle"):
            // go-libaudit joins the NUL-separated argv with spaces; that join belongs to the normalizer.
            guard let value = record["proctitle"] else { return nil }
            let bytes = value.decodedBytes.split(separator: 0, omittingEmptySubsequences: false).map { Array($0) }
            return bytes.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
        default:
            guard let value = record[key], !value.isMissing else { return nil }
            return value.string
        }
    }

    /// go-libaudit enrichments that are the normalizer's job, recognised from the raw record.
    static func isEnrichment(key: String, expected: String, record: AuditRecord) -> Bool {
        switch key {
        case "result": return record.contains("success") || record.contains("res")
        case "auid", "ses", "old-auid", "old-ses", "old_auid", "old_ses", "new_auid", "new_ses":
            guard expected == "unset", let raw = record[key]?.rawString ?? record[key.replacingOccurrences(of: "_", with: "-")]?.rawString
            else { return false }
            return raw == "4294967295" || raw == "-1"
        case "seresult", "seperms": return record.type == .avc
        default:
            return key.hasPrefix("subj_") || key.hasPrefix("obj_")
        }
    }
}
