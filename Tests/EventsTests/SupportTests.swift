import Foundation
@testable import Events
import XCTest

/// The small helpers: timestamp formatting, host facts, the system name lookup.
final class SupportTests: XCTestCase {
    func testTimestampsAgreeWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SplitMix64(seed: 42)
        var samples: [Int64] = [0, -1, 951_782_400, 1_700_000_000, 4_102_444_800, 253_402_300_799]
        for _ in 0..<2000 { samples.append(Int64(generator.next() % 8_000_000_000) - 2_000_000_000) }
        for seconds in samples {
            let milliseconds = Int(generator.next() % 1000)
            let date = Date(timeIntervalSince1970: Double(seconds) + Double(milliseconds) / 1000)
            let ours = TimestampFormatter.format(seconds: seconds, milliseconds: milliseconds)
            XCTAssertEqual(formatter.date(from: ours).map { ($0.timeIntervalSince1970 * 1000).rounded() },
                           (date.timeIntervalSince1970 * 1000).rounded(), ours)
        }
        XCTAssertEqual(TimestampFormatter.format(seconds: 1_700_000_000, milliseconds: 100), "2023-11-14T22:13:20.100Z")
        XCTAssertEqual(TimestampFormatter.format(seconds: 951_782_400, milliseconds: 7), "2000-02-29T00:00:00.007Z")
        XCTAssertEqual(TimestampFormatter.format(seconds: -1, milliseconds: 0), "1969-12-31T23:59:59.000Z")
        XCTAssertEqual(TimestampFormatter.format(seconds: 86_399, milliseconds: 5_000), "1970-01-01T23:59:59.999Z")
        // Absurd values from forged records format without trapping.
        XCTAssertFalse(TimestampFormatter.format(seconds: .max, milliseconds: 0).isEmpty)
        XCTAssertFalse(TimestampFormatter.format(seconds: .min, milliseconds: -3).isEmpty)
    }

    func testHostInfoReadsMachineIDAndHostname() throws {
        let host = HostInfo.current()
        if let machineID = try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8) {
            XCTAssertEqual(host.id, machineID.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        if let hostname = try? String(contentsOfFile: "/proc/sys/kernel/hostname", encoding: .utf8) {
            XCTAssertEqual(host.name, hostname.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        XCTAssertNil(HostInfo.readFirstLine("/nonexistent/machine-id"))
    }

    func testSystemNameLookup() {
        let lookup = SystemNameLookup()
        XCTAssertEqual(lookup.userName(forID: "0"), "root")
        XCTAssertEqual(lookup.groupName(forID: "0"), "root")
        XCTAssertEqual(lookup.userID(forName: "root"), "0")
        XCTAssertEqual(lookup.groupID(forName: "root"), "0")
        XCTAssertNil(lookup.userName(forID: "3999999999"))
        XCTAssertNil(lookup.userName(forID: "3999999999"), "negative answers are cached, and stay negative")
        XCTAssertNil(lookup.userName(forID: "not-a-number"))
        XCTAssertNil(lookup.userID(forName: "no-such-user-\(UInt32.random(in: 0...UInt32.max))"))
        // Every account in /etc/passwd resolves to its name (NSS files backend).
        let passwd = (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8)) ?? ""
        for line in passwd.split(separator: "\n").prefix(20) {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count > 2 else { continue }
            XCTAssertEqual(lookup.userName(forID: String(fields[2])), String(fields[0]))
        }
    }
}
