import XCTest
@testable import Detection
@testable import Rules

final class FileWatchDerivationTests: XCTestCase {
    private func plan(_ queries: [String]) throws -> AuditRulePlan {
        let rules = try queries.enumerated().map { index, query in try Fixtures.rule(id: "r\(index)", query: query) }
        let (ruleSet, diagnostics) = RuleSet.compile(rules)
        XCTAssertEqual(diagnostics.filter { $0.severity == .error }, [])
        return AuditRulePlan(ruleSet: ruleSet)
    }

    private func watches(_ queries: [String]) -> [String]? {
        FileWatchDerivation.watches(forQueries: queries)?.map(\.auditctlParts)
    }

    func testOpensOfListedPathsAreWatchedInsteadOfTheOpenFamily() throws {
        let plan = try plan([#"file where event.action == "open" and file.path in ("/etc/shadow", "/etc/gshadow")"#])
        XCTAssertEqual(plan.watches, [FileWatch(path: "/etc/gshadow", permissions: "r"),
                                      FileWatch(path: "/etc/shadow", permissions: "r")])
        XCTAssertEqual(plan.watchedSyscalls, ["open", "openat", "openat2"])
        XCTAssertTrue(plan.syscalls.allSatisfy { !FileWatchDerivation.openFamily.contains($0) }, "\(plan.syscalls)")
        XCTAssertEqual(plan.auditctlLines(key: "auspex").filter { $0.hasPrefix("-w ") },
                       ["-w /etc/gshadow -p r -k auspex", "-w /etc/shadow -p r -k auspex"])
        XCTAssertFalse(plan.auditctlLines(key: "auspex").contains { $0.contains("openat") })
        // Without the watches (multicast, a missing directory): the open family as before.
        let fallback = plan.withoutWatches()
        XCTAssertEqual(fallback.watches, [])
        XCTAssertTrue(Set(fallback.syscalls).isSuperset(of: ["open", "openat", "openat2"]))
    }

    func testAWildcardPathKeepsTheOpenFamily() throws {
        let plan = try plan([
            #"file where event.action == "open" and file.path in ("/etc/shadow", "/etc/gshadow")"#,
            #"file where event.action == "open" and file.path : "/root/.ssh/*""#,
        ])
        XCTAssertEqual(plan.watches, [])
        XCTAssertEqual(plan.watchedSyscalls, [])
        XCTAssertTrue(Set(plan.syscalls).isSuperset(of: ["open", "openat", "openat2"]), "\(plan.syscalls)")
        XCTAssertFalse(plan.auditctlLines(key: "auspex").contains { $0.hasPrefix("-w ") })
    }

    func testPermissionsFollowTheActionsAndTypes() {
        XCTAssertEqual(watches([#"file where event.action == "open" and file.path == "/etc/shadow""#]),
                       ["-w /etc/shadow -p r"])
        // Writes, creations and any audit `opened-file` (opens for writing too): read as well, since the kernel
        // counts O_RDONLY|O_CREAT and O_RDONLY|O_TRUNC opens as reads.
        XCTAssertEqual(watches([#"file where event.action in ("creation", "modification") and file.path == "/etc/passwd""#]),
                       ["-w /etc/passwd -p rwa"])
        XCTAssertEqual(watches([#"file where event.action == "opened-file" and file.path == "/etc/sudoers""#]),
                       ["-w /etc/sudoers -p rwa"])
        XCTAssertEqual(watches([#"file where event.type == "creation" and file.path == "/etc/ld.so.preload""#]),
                       ["-w /etc/ld.so.preload -p rwa"])
        XCTAssertEqual(watches([#"file where auditd.data.syscall == "openat" and file.path == "/etc/shadow""#]),
                       ["-w /etc/shadow -p rwa"])
        // Two rules on one path: the union.
        XCTAssertEqual(watches([
            #"file where event.action == "open" and file.path == "/etc/shadow""#,
            #"file where event.action == "modification" and file.path == "/etc/shadow""#,
        ]), ["-w /etc/shadow -p rwa"])
        // Sequence stages each need their paths.
        XCTAssertEqual(watches([#"sequence by process.entity_id [process where event.action == "exec"] "#
                                + #"[file where event.action == "open" and file.path == "/etc/shadow"]"#]),
                       ["-w /etc/shadow -p r"])
        // `or` branches that all name paths; case kept as written.
        XCTAssertEqual(watches([#"file where event.action == "open" and (file.path == "/etc/shadow" or file.path : "/root/.ssh/Keys")"#]),
                       ["-w /etc/shadow -p r", "-w /root/.ssh/Keys -p r"])
    }

    func testAnyReaderOfOpensWithoutLiteralPathsPreventsWatches() {
        let shadow = #"file where event.action == "open" and file.path == "/etc/shadow""#
        XCTAssertNotNil(watches([shadow]))
        for other in [
            #"file where event.action == "open" and file.path : "/etc/*""#,            // wildcard
            #"file where event.action == "open" and file.name == "shadow""#,            // a name in any directory
            #"file where event.action == "open" and (file.path == "/etc/shadow" or process.name == "cat")"#, // open branch
            #"file where event.action == "open" and file.path != "/etc/shadow""#,       // negation
            #"file where event.action == "open" and file.path == "etc/shadow""#,        // relative
            #"file where event.action == "open" and file.path == "/etc/../etc/shadow""#, // not canonical
            #"file where event.action == "open" and file.path regex "/etc/shado.""#,   // regex
            #"file where process.name == "cat""#,                                       // unbounded file filter
            #"any where process.name == "cat""#,                                        // unbounded any filter
            #"sequence [process where event.action == "exec"] [file where event.action == "creation"]"#,
            #"sequence [file where event.action == "open" and file.path == "/etc/shadow"] ![file where event.action == "open"]"#,
        ] {
            XCTAssertNil(watches([shadow, other]), other)
        }
        // Filters that cannot see an open: process, network, deletions, other syscalls.
        XCTAssertNotNil(watches([shadow, #"process where event.action == "exec" and process.name == "cat""#,
                                 #"network where destination.port == 4444"#,
                                 #"file where event.action == "deletion" and file.path : "/var/log/*""#,
                                 #"process where auditd.data.syscall == "setsid""#]))
        // No rule needs the open family: no watches.
        XCTAssertNil(watches([#"process where event.action == "exec""#]))
    }

    func testWatchablePaths() {
        XCTAssertTrue(FileWatchDerivation.isWatchablePath("/etc/shadow"))
        XCTAssertTrue(FileWatchDerivation.isWatchablePath("/root/.ssh/authorized_keys"))
        for path in ["", "/", "etc/shadow", "/etc/", "/etc//shadow", "/etc/./shadow", "/a/../b", "/etc/sh\nadow"] {
            XCTAssertFalse(FileWatchDerivation.isWatchablePath(path), path)
        }
    }
}
