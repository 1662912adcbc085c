@testable import EventModel
@testable import Processes
import XCTest

/// The byte-level helpers the enrichment uses instead of the standard library's string operations.
final class ProcessFactsTests: XCTestCase {
    func testSyscallNamesClassifyAsTheirCalls() {
        let expected: [(String, ProcessFacts.Call)] = [
            ("execve", .exec), ("execveat", .exec), ("exit_group", .exitGroup), ("exit", .other), ("execv", .other),
            ("setsid", .setsid), ("setsidx", .other), ("fork", .fork), ("vfork", .fork), ("clone", .clone),
            ("clone3", .clone3), ("clone4", .other), ("rename", .rename), ("renameat", .rename),
            ("renameat2", .rename), ("renam", .other), ("connect", .other), ("", .other),
        ]
        for (name, call) in expected { XCTAssertEqual(ProcessFacts.Call(name: name), call, name) }
    }

    func testCommandLineIsTheArgumentsJoinedBySpaces() {
        let vectors: [[String]] = [[], [""], ["bash"], ["curl", "-s", "http://x/1"], ["a", "", "b", ""],
                                   ["ünïcødé", "日本語", "x y"], [String(repeating: "long-argument ", count: 40)]]
        for strings in vectors {
            XCTAssertEqual(Arguments(strings).commandLine, .string(strings.joined(separator: " ")), "\(strings)")
        }
    }
}
