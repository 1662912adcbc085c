@testable import Events
import Foundation
import XCTest

/// The syscall normalization table against the one written in ../shared/spec/ecs-mapping.md §1.4
/// (parsed from the markdown, so a row typed wrong here or missing fails).
final class NormalizationTableTests: XCTestCase {
    struct SpecRow { var syscalls: [String]; var action: String?; var object: String?; var category: String; var types: [String] }

    static func specRows() throws -> [SpecRow] {
        let text = String(decoding: try Fixtures.read("spec/ecs-mapping.md"), as: UTF8.self)
        guard let start = text.range(of: "Syscall normalization table (complete") else {
            throw XCTSkip("ecs-mapping.md has no syscall normalization table")
        }
        var rows: [SpecRow] = []
        for line in text[start.upperBound...].split(separator: "\n").dropFirst(3) {
            guard line.hasPrefix("|") else { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let syscalls = cells[0].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " `")) }
            let action = cells[1].hasPrefix("*") ? nil : cells[1]
            rows.append(SpecRow(syscalls: syscalls, action: action, object: cells[2].isEmpty ? nil : cells[2],
                                category: cells[3], types: cells[4].split(separator: ",").map(String.init)))
        }
        return rows
    }

    func testEverySpecRowMatchesTheTable() throws {
        let rows = try Self.specRows()
        XCTAssertEqual(rows.count, 36, "rows parsed from the spec table")
        var named = 0
        for row in rows {
            for syscall in row.syscalls {
                let normalization = syscall == "*" ? SyscallNormalizations.fallback : SyscallNormalizations.lookup(syscall)
                XCTAssertEqual(normalization.action, row.action, syscall)
                XCTAssertEqual(normalization.objectType, row.object, syscall)
                XCTAssertEqual(normalization.categories, [row.category], syscall)
                XCTAssertEqual(normalization.types, row.types, syscall)
                if syscall != "*" { named += 1 }
            }
        }
        XCTAssertEqual(named, 103)
        XCTAssertEqual(SyscallNormalizations.table.count, named, "no syscall in the table that the spec lacks")
    }

    func testUnlistedSyscallsFallToTheCatchAll() {
        for syscall in ["socket", "setsid", "prctl", "mprotect", "unshare", "clone", "getsockname", "bpf", "ptrace"] {
            let normalization = SyscallNormalizations.lookup(syscall)
            XCTAssertNil(normalization.action, syscall)
            XCTAssertEqual(normalization.categories, ["process"], syscall)
            XCTAssertEqual(normalization.types, ["info"], syscall)
        }
    }

    func testRecordTypesUsedByRulesHaveTheirActions() {
        let expected = ["USER_CHAUTHTOK": "changed-password", "ADD_USER": "added-user-account",
                        "ADD_GROUP": "added-group-account-to", "USER_AUTH": "authenticated",
                        "KERN_MODULE": "loaded-kernel-module", "USER_LOGIN": "logged-in"]
        for (type, action) in expected {
            XCTAssertEqual(RecordTypeNormalizations.lookup(type).first?.action, action, type)
        }
        let avc = RecordTypeNormalizations.lookup("AVC")
        XCTAssertEqual(avc.map(\.action), ["violated-selinux-policy", "violated-apparmor-policy"])
        XCTAssertEqual(avc.map(\.requiredFields), [["seresult"], ["apparmor"]])
        XCTAssertTrue(RecordTypeNormalizations.lookup("NO_SUCH_TYPE").isEmpty)
    }
}
