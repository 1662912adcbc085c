import Foundation
import Glibc
import XCTest
@testable import Rules

/// Exception files, their directories and value lists are trusted like rule files (`[rules] strict_permissions`):
/// a group- or world-writable one is refused with a clear error and its items never apply.
final class ExceptionFileTrustTests: XCTestCase {
    private let list = """
        {"list_id":"lab","type":"detection","namespace_type":"single","name":"Lab"}
        {"item_id":"make","list_id":"lab","type":"simple","entries":[{"field":"process.name","operator":"included","type":"list","list":{"id":"names","type":"keyword"}}]}
        """

    func testWritableExceptionFilesAndValueListsAreRefusedUnlessStrictIsOff() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("lab.ndjson", list)
        let values = try directory.write("names.txt", "make\n")
        XCTAssertEqual(ExceptionLists.load(paths: [directory.path]).itemCount, 1, "trusted files load")

        XCTAssertEqual(chmod(values, 0o666), 0)
        let valueListRefused = ExceptionLists.load(paths: [directory.path])
        XCTAssertTrue(valueListRefused.diagnostics.contains { $0.severity == .error && $0.message.contains("refused") },
                      valueListRefused.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(chmod(values, 0o644), 0)

        XCTAssertEqual(chmod(file, 0o666), 0)
        let refused = ExceptionLists.load(paths: [directory.path])
        XCTAssertEqual(refused.itemCount, 0)
        XCTAssertEqual(refused.diagnostics.map(\.severity), [.error])
        XCTAssertTrue(refused.diagnostics.first?.message.hasPrefix("refused: file ") ?? false,
                      refused.diagnostics.map(\.description).joined(separator: "\n"))
        XCTAssertEqual(ExceptionLists.load(paths: [directory.path], strict: false).itemCount, 1,
                       "strict_permissions = false reads it")

        XCTAssertEqual(chmod(file, 0o644), 0)
        XCTAssertEqual(chmod(directory.path, 0o777), 0)
        let directoryRefused = ExceptionLists.load(paths: [directory.path])
        XCTAssertEqual(directoryRefused.itemCount, 0)
        XCTAssertTrue(directoryRefused.diagnostics.first?.message.hasPrefix("refused: ") ?? false)
        XCTAssertEqual(chmod(directory.path, 0o755), 0)
    }
}
