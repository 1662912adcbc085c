@testable import EventModel
@testable import Events
import Foundation
import XCTest

/// Golden tests against go-libaudit's aucoalesce testdata (../shared/audit-samples/go-libaudit/aucoalesce/testdata):
/// each YAML entry is one event's raw records, its `.json.golden` entry the coalesced event go-libaudit builds.
/// `AucoalesceToECS` turns that event into auditd_manager document fields (Beats `buildMetricbeatEvent` + the
/// integration pipeline, ecs-mapping.md §2.1–§2.2); the result is compared field by field, both directions, with
/// ids left numeric (the goldens are made without name resolution, so the lookup is empty).
///
/// Compared fields: all that the conversion yields — `@timestamp`, `event.{kind,module,dataset,category,type,
/// action,outcome,sequence,id}`, `auditd.{message_type,result,session}`, `auditd.data.*` (syscall, arch, a0..a3,
/// exit, tty, argc, socket.*, record-specific keys), `auditd.paths`, `auditd.summary.*`, `auditd.user.*`,
/// `auditd.file.selinux.*`, `user.*`, `group.*`, `process.*`, `file.*`, `source.*`, `destination.*`,
/// `network.direction`, `tags`, `host.{id,name,hostname,os.type}`, `data_stream.{type,dataset}`, `ecs.version`,
/// `service.type`.
///
/// Intentional differences, each with its reason:
/// * a hex-encoded `comm` is decoded (`applyIntentionalDifferences`; go-libaudit leaves it hex, so
///   `process.name : "bash"` would miss it);
/// * when a normalization has no ECS category, Beats writes the legacy audit category (`user-login`,
///   `mac-decision`, …) to `event.category`; we leave the field absent (not an ECS value; no rule tests it) — the
///   conversion below does not produce it either;
/// * `event.kind` stays `event` where the newest aucoalesce sets an ECS kind of `alert` (anomalies): Beats'
///   `normalizeEventFields` writes `event` regardless.
final class AucoalesceGoldenTests: XCTestCase {
    static let directory = "audit-samples/go-libaudit/aucoalesce/testdata"
    static let files = ["random-internet", "rhel-7-linux-3.10.0", "ubuntu-16.04-linux-4.13.0", "ubuntu-16.10-linux-4.8.0",
                        "ubuntu-17.04-linux-4.10.0", "ubuntu-20.04.6-linux-5.15.0-1034-gcp", "ubuntu-21.10-linux-5.13",
                        "ubuntu-24.04-linux-6.8.0"]

    func testAllGoldenEvents() throws {
        let normalizer = Normalizer(host: Fixtures.host, names: StaticNameLookup())
        var compared = 0
        var failures: [String] = []
        for file in Self.files {
            let yaml = String(decoding: try Fixtures.read("\(Self.directory)/\(file).yaml"), as: UTF8.self)
            let inputs = Dictionary(try GoldenYAML.tests(yaml).map { ($0.name, $0.body) }, uniquingKeysWith: { a, _ in a })
            guard case .array(let goldens) = try JSONReader.parse(Fixtures.read("\(Self.directory)/\(file).json.golden"))
            else { return XCTFail("\(file).json.golden is not an array") }
            for golden in goldens {
                guard let name = golden["test_name"]?.stringValue, let event = golden["event"] else {
                    failures.append("\(file): entry without test_name/event")
                    continue
                }
                guard let input = inputs[name] else {
                    failures.append("\(file): no YAML input for \(name)")
                    continue
                }
                let events = try Fixtures.events(fromLogText: input)
                guard events.count == 1, let auditEvent = events.first else {
                    failures.append("\(file) / \(name): expected 1 event, got \(events.count)")
                    continue
                }
                var expected = AucoalesceToECS.fields(event, host: Fixtures.host)
                Self.applyIntentionalDifferences(&expected, golden: event)
                var actual = normalizer.normalize(auditEvent)
                if let text = actual["@timestamp"]?.stringValue {
                    actual["@timestamp"] = ExampleDocumentTests.epochMilliseconds(text).map(FieldValue.int)
                }
                for difference in Fixtures.differences(expected: expected, actual: actual, compared: { _ in true }) {
                    failures.append("\(file) / \(name): \(difference)")
                }
                compared += 1
            }
        }
        XCTAssertEqual(compared, 48, "every golden event is compared")
        XCTAssertEqual(failures, [])
    }

    /// Where we differ from go-libaudit on purpose.
    static func applyIntentionalDifferences(_ expected: inout [String: FieldValue], golden: FieldValue) {
        // 1. A hex-encoded comm is decoded (go-libaudit leaves it hex, so `process.name : "bash"` would miss it).
        if let name = expected["process.name"]?.stringValue, let decoded = ExampleDocumentTests.decodeKernelHex(name) {
            expected["process.name"] = .string(decoded)
        }
    }
}
