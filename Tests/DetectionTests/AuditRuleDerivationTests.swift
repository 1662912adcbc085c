import Foundation
import XCTest
@testable import Detection
@testable import Rules

final class AuditRuleDerivationTests: XCTestCase {
    func testSeedRulesFromElastic() throws {
        let udp = try loadedQuery(Fixtures.shared("detection-rules/linux-eql/execution_shell_via_udp_cli_utility_linux.toml"))
        let root = try loadedQuery(Fixtures.shared(
            "detection-rules/linux-eql/_deprecated/command_and_control_connection_attempt_by_non_ssh_root_session.toml"))
        XCTAssertEqual(AuditRuleDerivation.requirements(forQuery: udp).syscalls, ["connect", "execve", "execveat", "socket"])
        XCTAssertEqual(AuditRuleDerivation.requirements(forQuery: root).syscalls, ["connect", "setsid"])
        let both = AuditRuleDerivation.requirements(forQueries: [udp, root])
        XCTAssertEqual(both.syscalls, ["connect", "execve", "execveat", "setsid", "socket"])
        XCTAssertEqual(both.unmappedActions, [])
        XCTAssertEqual(AuditRuleDerivation.auditctlLines(for: both, key: "auspex", architectures: ["b64", "b32"]), [
            "-a always,exit -F arch=b64 -S connect,execve,execveat,setsid,socket -F key=auspex",
            "-a always,exit -F arch=b32 -S connect,execve,execveat,setsid,socket -F key=auspex",
        ])
    }

    func testSeedRulesOfOurPack() throws {
        let pack = Fixtures.defaultRulePack
        let udp = try loadedQuery(pack + "/command_and_control_udp_reverse_shell.toml")
        let root = try loadedQuery(pack + "/command_and_control_root_connection_then_new_session.toml")
        XCTAssertEqual(AuditRuleDerivation.requirements(forQuery: udp).syscalls, ["connect", "execve", "execveat", "socket"])
        XCTAssertEqual(AuditRuleDerivation.requirements(forQuery: root).syscalls, ["connect", "setsid"])
    }

    func testNegatedTestsAddNothingAndCategoriesFillIn() {
        // Only exclusions on event.action: the process category's exec syscalls apply.
        let exclusionOnly = AuditRuleDerivation.requirements(
            forQuery: #"process where event.type == "start" and not event.action in ("fork", "end") and event.action != "ptrace""#)
        XCTAssertEqual(exclusionOnly.syscalls, ["execve", "execveat"])
        let network = AuditRuleDerivation.requirements(forQuery: #"network where destination.port == 4444"#)
        XCTAssertEqual(network.syscalls, ["accept", "accept4", "bind", "connect"])
        let file = AuditRuleDerivation.requirements(forQuery: #"file where file.path : "/etc/shadow""#)
        XCTAssertEqual(file.syscalls, [])
        XCTAssertEqual(file.notes.count, 1)
        // An action inside a negated group only excludes events (Elastic's PAM module rule has `not (… or
        // (process.name == "perl" and event.action == "rename" …))`): it must not add the rename family.
        let groupNegated = AuditRuleDerivation.requirements(forQuery: """
            file where event.action == "deletion" and not (process.name == "perl" and event.action == "rename")
            """)
        XCTAssertEqual(groupNegated.syscalls, ["rmdir", "unlink", "unlinkat"])
        // A double negation is positive again.
        XCTAssertEqual(AuditRuleDerivation.requirements(forQuery: #"any where not event.action != "bound-socket""#).syscalls,
                       ["bind"])
        // Missing-event stages and `until` need their events seen; `by` keys on tracked fields add the life cycle.
        let sequence = AuditRuleDerivation.requirements(forQuery: """
            sequence by process.entity_id with maxspan=1m
              [process where event.action == "executed"] ![network where event.action == "connected-to"]
            until [process where event.action == "end"]
            """)
        XCTAssertEqual(sequence.syscalls, ["connect", "execve", "execveat", "exit_group"])
        XCTAssertEqual(AuditRuleDerivation.processTrackingRequirements(forQuery: """
            sequence with maxspan=1m [process where true] by process.parent.entity_id [network where true] by process.pid
            """).syscalls, ["clone", "clone3", "execve", "execveat", "exit_group", "fork", "setsid", "vfork"])
        XCTAssertEqual(AuditRuleDerivation.requirements(forQuery: "process where (").syscalls, [], "unparsable: nothing")
        // An `or` branch without an action test still needs its category's events audited.
        XCTAssertEqual(AuditRuleDerivation.requirements(
            forQuery: #"process where event.action == "end" or process.name == "nc""#).syscalls,
                       ["execve", "execveat", "exit_group"])
        XCTAssertEqual(AuditRuleDerivation.requirements(
            forQuery: #"process where not (event.action != "end" and event.action != "exec")"#).syscalls,
                       ["execve", "execveat", "exit_group"], "De Morgan: bounded by the two actions")
        let unbounded = AuditRuleDerivation.requirements(
            forQuery: #"file where event.action == "deleted" or file.path == "/etc/shadow""#)
        XCTAssertEqual(unbounded.syscalls, ["rmdir", "unlink", "unlinkat"])
        XCTAssertEqual(unbounded.notes.count, 1, "the file branch needs a watch: \(unbounded.notes)")
        // Case-insensitive operators find the action in any case.
        XCTAssertEqual(AuditRuleDerivation.requirements(forQuery: #"network where event.action : "Connected-To""#).syscalls,
                       ["connect"])
        XCTAssertEqual(AuditRuleDerivation.requirements(forQuery: #"any where event.action in~ ("EXECUTED")"#).unmappedActions,
                       [])
    }

    func testDefendFileAndLifeCycleVocabularyAndEventTypes() throws {
        func syscalls(_ query: String) -> [String] { AuditRuleDerivation.requirements(forQuery: query).syscalls }
        // Actions: creation needs the open family (only then is it audited), links and nodes; deletion the unlinks.
        XCTAssertEqual(syscalls(#"file where event.action == "creation""#),
                       ["creat", "link", "linkat", "mknod", "mknodat", "open", "openat", "openat2", "symlink", "symlinkat"])
        XCTAssertEqual(syscalls(#"file where event.action in ("open", "modification")"#),
                       ["creat", "ftruncate", "open", "openat", "openat2", "truncate"])
        XCTAssertEqual(syscalls(#"process where event.action in ("exec", "fork")"#),
                       ["clone", "clone3", "execve", "execveat", "fork", "vfork"])
        // Types alone (no action, no syscall): the category and type decide.
        XCTAssertEqual(syscalls(#"file where event.type == "deletion" and file.path : "/var/log/*""#),
                       ["rmdir", "unlink", "unlinkat"])
        XCTAssertEqual(syscalls(#"process where event.type == "end" and process.name == "sshd""#), ["exit_group"])
        XCTAssertEqual(syscalls(#"process where event.type == "start" and process.name == "sh""#), ["execve", "execveat"])
        // A negated type only excludes: nothing derived, and the note says so.
        let negated = AuditRuleDerivation.requirements(forQuery: #"file where event.type != "deletion" and file.path == "/etc/doas.conf""#)
        XCTAssertEqual(negated.syscalls, [])
        XCTAssertEqual(negated.notes.count, 1)

        let rule = { (name: String) in try self.loadedQuery(Fixtures.shared("detection-rules/linux-eql/" + name)) }
        XCTAssertEqual(AuditRuleDerivation.requirements(forQuery: try rule("persistence_cron_job_creation.toml")).syscalls,
                       ["creat", "link", "linkat", "mknod", "mknodat", "open", "openat", "openat2", "rename",
                        "renameat", "renameat2", "symlink", "symlinkat"])
        XCTAssertEqual(AuditRuleDerivation.requirements(
            forQuery: try rule("credential_access_ssh_password_grabbing_via_strace.toml")).syscalls,
                       ["execve", "execveat", "exit_group"])
        XCTAssertEqual(AuditRuleDerivation.requirements(
            forQuery: try rule("defense_evasion_ssl_certificate_deletion.toml")).syscalls, ["rmdir", "unlink", "unlinkat"])
        let insmod = AuditRuleDerivation.requirements(forQuery: try rule("persistence_insmod_kernel_module_load.toml"))
        XCTAssertEqual(insmod.syscalls, ["finit_module", "init_module"])
        XCTAssertEqual(insmod.unmappedActions, [])
    }

    func testSyscallNamesWildcardsCommentsAndUnknownActions() {
        let query = """
        sequence by host.id with maxspan=5s
          [process where ?auditd.data.syscall : "*init_module" // loads
          ]
          [any where event.action like~ ("killed-*") /* kill, tkill, tgkill */ or event.action == "made-up-action"]
          [process where auditd.data.syscall in ("PRCTL", "mprotect") and process.name == "event.action == \\"exec\\""]
        """
        let requirements = AuditRuleDerivation.requirements(forQuery: query)
        XCTAssertEqual(requirements.syscalls, ["finit_module", "init_module", "kill", "mprotect", "prctl", "tgkill", "tkill"])
        XCTAssertEqual(requirements.unmappedActions, ["made-up-action"])
    }

    func testWildcardMatcher() {
        XCTAssertTrue(AuditRuleDerivation.wildcard("open*", matches: "openat2"))
        XCTAssertTrue(AuditRuleDerivation.wildcard("*at", matches: "openat"))
        XCTAssertTrue(AuditRuleDerivation.wildcard("k?ll", matches: "KILL"))
        XCTAssertFalse(AuditRuleDerivation.wildcard("k?ll", matches: "kiill"))
        XCTAssertFalse(AuditRuleDerivation.wildcard("open", matches: "openat"))
        XCTAssertTrue(AuditRuleDerivation.wildcard("*", matches: ""))
    }

    /// Over the whole corpus: prints what Elastic's Linux EQL rules would make auspex audit.
    func testCorpusDerivation() throws {
        let rules = try Fixtures.corpusReport().rules.filter { !$0.isDeprecated }
        let auditRules = rules.filter { $0.index.contains { $0.hasPrefix("auditbeat-") || $0.hasPrefix("logs-auditd_manager") } }
        var withoutSyscalls = 0
        for rule in auditRules where AuditRuleDerivation.requirements(forQuery: rule.query).syscalls.isEmpty {
            withoutSyscalls += 1
        }
        let total = AuditRuleDerivation.requirements(forQueries: auditRules.map(\.query))
        XCTAssertTrue(Set(total.syscalls).isSuperset(of: ["execve", "connect", "socket", "init_module", "finit_module"]))
        print("corpus derivation: \(auditRules.count) audit-index rules, \(withoutSyscalls) without a syscall rule; "
              + "syscalls \(total.syscalls.joined(separator: ",")); unmapped actions \(total.unmappedActions)")
    }

    private func loadedQuery(_ path: String) throws -> String {
        guard case .loaded(let rule) = RuleLoader().loadFile(atPath: path).0 else {
            XCTFail("\(path) did not load")
            return ""
        }
        return rule.query
    }
}
