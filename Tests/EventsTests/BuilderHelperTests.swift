@testable import AuditRecords
@testable import Events
import XCTest

/// The small helpers the builder and summarizer use instead of slower standard calls must answer as those do.
final class BuilderHelperTests: XCTestCase {
    func testASCIIPrefixAgreesWithHasPrefix() {
        let texts = ["/usr/bin/python3.11", "/usr/bin/pytho", "/usr/bin/sh", "/usr/bin/sh\u{301}", "/usr/bin/shx",
                     "", "obj_user", "obj-user", "obj_\u{301}", "/usr/bin/perlé", "/USR/bin/sh"]
        let prefixes: [StaticString] = ["/usr/bin/python", "/usr/bin/sh", "obj_", ""]
        for text in texts {
            for prefix in prefixes {
                XCTAssertEqual(text.hasASCIIPrefix(prefix), text.hasPrefix(prefix.description), "\(text) \(prefix)")
            }
        }
    }

    func testPipelineKeyRenamesDashesAndDots() {
        XCTAssertEqual(DocumentBuilder.pipelineKey("old-auid"), "old_auid")
        XCTAssertEqual(DocumentBuilder.pipelineKey("a.b-c"), "a_b_c")
        XCTAssertEqual(DocumentBuilder.pipelineKey("cap_fver"), "cap_fver")
        XCTAssertEqual(DocumentBuilder.pipelineKey(String(repeating: "k", count: 40) + "-x"),
                       String(repeating: "k", count: 40) + "_x")
    }

    /// `auditd.message_type` is the type name in lower case, for named, unnamed and out-of-table numbers.
    func testLowercaseTypeNames() {
        for number: UInt16 in [1300, 1302, 1105, 1400, 1999, 2999, 3000, 65535, 0] {
            let type = AuditRecordType(number)
            XCTAssertEqual(type.lowercaseName, type.name.lowercased(), "\(number)")
        }
        XCTAssertEqual(AuditRecordType.syscall.lowercaseName, "syscall")
        XCTAssertEqual(AuditRecordType(1999).lowercaseName, "unknown[1999]")
    }

    /// Each id is looked up once per event whichever order the ids come in, and its answer (a name or none) kept.
    func testMemoizedNamesAskEachIdOnce() {
        let lookup = CountingLookup(users: ["0": "root", "1000": "alice"], groups: ["0": "root"])
        var names = MemoizedNames(lookup: lookup)
        for id in ["0", "1000", "0", "42", "1000", "42", "0"] {
            XCTAssertEqual(names.userName(forID: id), lookup.users[id], id)
        }
        for id in ["0", "5", "0", "5"] { XCTAssertEqual(names.groupName(forID: id), lookup.groups[id], id) }
        XCTAssertEqual(lookup.asked.users, ["0", "1000", "42"])
        XCTAssertEqual(lookup.asked.groups, ["0", "5"])
    }
}

/// A fixed table that records what it was asked.
private final class CountingLookup: NameLookup, @unchecked Sendable {
    let users: [String: String]
    let groups: [String: String]
    var asked: (users: [String], groups: [String]) = ([], [])

    init(users: [String: String], groups: [String: String]) {
        self.users = users
        self.groups = groups
    }

    func userName(forID id: String) -> String? {
        asked.users.append(id)
        return users[id]
    }

    func groupName(forID id: String) -> String? {
        asked.groups.append(id)
        return groups[id]
    }

    func userID(forName name: String) -> String? { nil }
    func groupID(forName name: String) -> String? { nil }
}
