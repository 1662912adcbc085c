import Foundation
import PackageTestSupport
import XCTest
@testable import Rules

final class ConfigTests: XCTestCase {
    func testAbsentFileGivesDefaults() {
        let result = ConfigLoader.load(path: "/nonexistent/auspex-\(UUID().uuidString).toml")
        XCTAssertFalse(result.fileFound)
        XCTAssertEqual(result.diagnostics, [])
        XCTAssertEqual(result.config, AuspexConfig())
        XCTAssertEqual(result.config.rules.paths, ["/etc/auspex/rules.d"])
        XCTAssertEqual(result.config.audit.mode, .unicast)
        XCTAssertEqual(result.config.engine.maxSamplesPerKey, 1)
        XCTAssertNil(result.config.host.name)
    }

    /// The shipped, commented file documents every key and states exactly the built-in defaults.
    func testShippedFileMatchesDefaultsAndDocumentsEveryKey() throws {
        let path = PackagePaths.root.appendingPathComponent("etc/auspex/auspex.toml").path
        let result = ConfigLoader.load(path: path)
        XCTAssertTrue(result.fileFound)
        XCTAssertEqual(result.diagnostics, [])
        XCTAssertEqual(result.config, AuspexConfig())

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        var section = ""
        var documented: Set<String> = []
        for line in lines {
            if line.hasPrefix("[") { section = String(line.dropFirst().prefix { $0 != "]" }) }
            let body = line.hasPrefix("# ") ? String(line.dropFirst(2)) : line
            if let equals = body.range(of: " = "), !body.hasPrefix(" ") {
                let name = String(body[..<equals.lowerBound])
                if !name.contains(" ") { documented.insert("\(section).\(name)") }
            }
        }
        XCTAssertEqual(documented, Set(ConfigLoader.knownKeys))
    }

    func testFileValuesOverrideDefaults() {
        let text = """
        [rules]
        paths = ["/srv/rules", "/etc/auspex/extra.toml"]
        [spool]
        dir = "/data/spool"
        max_files = 50
        [audit]
        mode = "multicast"
        [host]
        name = "sensor-7"
        """
        let result = ConfigLoader.parse(text: text, file: "auspex.toml")
        XCTAssertEqual(result.diagnostics, [])
        var expected = AuspexConfig()
        expected.rules.paths = ["/srv/rules", "/etc/auspex/extra.toml"]
        expected.spool.dir = "/data/spool"
        expected.spool.maxFiles = 50
        expected.audit.mode = .multicast
        expected.host.name = "sensor-7"
        XCTAssertEqual(result.config, expected)
    }

    func testUnknownKeysAndWrongTypesAreLocatedErrors() {
        let text = """
        [spool]
        dir = "relative/spool"
        max_file = 10
        max_bytes = "big"

        [audit]
        mode = "broadcast"
        backlog_limit = 0

        [enigne]
        x = 1
        """
        let result = ConfigLoader.parse(text: text, file: "auspex.toml")
        XCTAssertEqual(Set(result.diagnostics.map(\.description)), [
            "auspex.toml:2:1: error: 'spool.dir' must be an absolute path, found \"relative/spool\"",
            "auspex.toml:3:1: error: unknown key 'max_file' in [spool] (did you mean 'max_files'?)",
            "auspex.toml:4:1: error: 'spool.max_bytes' must be an integer from 4096 to 1125899906842624, found a string",
            "auspex.toml:7:1: error: 'audit.mode' must be one of \"unicast\", \"multicast\", found \"broadcast\"",
            "auspex.toml:8:1: error: 'audit.backlog_limit' must be an integer from 64 to 16777216, found 0",
            "auspex.toml:10:1: error: unknown section [enigne] (did you mean [engine]?)",
        ])
        // Valid keys next to bad ones still apply; bad ones keep their defaults.
        XCTAssertEqual(result.config.spool.dir, SpoolSettings().dir)
        XCTAssertEqual(result.config.audit.mode, .unicast)
    }

    func testSyntaxErrorIsLocated() {
        let result = ConfigLoader.parse(text: "[spool]\nmax_files = = 3\n", file: "auspex.toml")
        XCTAssertEqual(result.diagnostics.count, 1)
        XCTAssertEqual(result.diagnostics.first?.location.line, 2)
        XCTAssertTrue(result.diagnostics.first?.message.hasPrefix("TOML syntax error") ?? false)
    }

    func testCommandLineOverridesUseTheSameChecks() throws {
        var config = ConfigLoader.parse(text: "[spool]\ndir = \"/data/spool\"\n", file: "auspex.toml").config
        try config.applyOverride("spool.dir=/tmp/spool")
        try config.applyOverride("rules.paths=/a,/b/c.toml")
        try config.applyOverride("journald.enabled=false")
        try config.applyOverride("engine.event_queue_size=1024")
        try config.applyOverride("host.id=abc")
        XCTAssertEqual(config.spool.dir, "/tmp/spool")
        XCTAssertEqual(config.rules.paths, ["/a", "/b/c.toml"])
        XCTAssertFalse(config.journald.enabled)
        XCTAssertEqual(config.engine.eventQueueSize, 1024)
        XCTAssertEqual(config.host.id, "abc")

        let bad: [(String, String)] = [
            ("spool.dir", "override 'spool.dir' must look like section.key=value"),
            ("spool.dri=/x", "unknown configuration key 'spool.dri' (did you mean 'spool.dir'?)"),
            ("spool.dir=x", "'spool.dir' must be an absolute path, found \"x\""),
            ("journald.enabled=yes", "'journald.enabled' must be true or false, found \"yes\""),
            ("engine.event_queue_size=1", "'engine.event_queue_size' must be an integer from 16 to 16777216, found 1"),
        ]
        for (assignment, message) in bad {
            XCTAssertThrowsError(try config.applyOverride(assignment), assignment) { error in
                XCTAssertEqual((error as? ConfigOverrideError)?.message, message)
            }
        }
        XCTAssertEqual(config.spool.dir, "/tmp/spool")
    }
}
