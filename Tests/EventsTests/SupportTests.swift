import Foundation
@testable import Events
import XCTest

/// The small helpers: host facts, the system name lookup.
final class SupportTests: XCTestCase {
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
