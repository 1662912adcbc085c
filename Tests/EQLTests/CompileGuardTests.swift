@testable import EQL
@testable import EventModel
import XCTest

/// `CompiledFilter.guards` and `indexCategories`: what else, beyond category and action, the rule index may skip a
/// filter by.
final class CompileGuardTests: XCTestCase {
    private func filters(_ query: String) throws -> (schema: GrowingSchema, filters: [CompiledFilter]) {
        let schema = GrowingSchema()
        return (schema, try EQLCompiler(schema: schema).compile(query).filters)
    }

    /// Each filter's guards as (field, exact values, folded values), most selective field first.
    private func guards(_ query: String) throws -> [[Guard]] {
        let (schema, filters) = try filters(query)
        let names = Dictionary(uniqueKeysWithValues: EQLCompiler.guardFields.compactMap { name in
            schema.slot(for: name).map { ($0, name) }
        })
        return filters.map {
            $0.guards.map {
                Guard(field: names[$0.slot] ?? "?", exact: $0.values, folded: $0.caseInsensitiveValues,
                      prefixes: Set($0.prefixes.map { String(decoding: $0, as: UTF8.self) }),
                      foldedPrefixes: Set($0.caseInsensitivePrefixes.map { String(decoding: $0, as: UTF8.self) }))
            }
        }
    }

    private struct Guard: Equatable {
        var field: String
        var exact: Set<String> = []
        var folded: Set<String> = []
        var prefixes: Set<String> = []
        var foldedPrefixes: Set<String> = []
    }

    func testNameListsGuardMostSelectiveFieldFirst() throws {
        XCTAssertEqual(try guards(#"process where event.type == "start" and process.parent.name == "sshd" and process.name in ("nc", "ncat")"#),
                       [[Guard(field: "process.name", exact: ["nc", "ncat"]), Guard(field: "process.parent.name", exact: ["sshd"])]])
        XCTAssertEqual(try guards(#"process where process.name : ("Curl", "wget") or process.name in~ ("NC")"#),
                       [[Guard(field: "process.name", folded: ["curl", "wget", "nc"])]])
        XCTAssertEqual(try guards(#"process where auditd.data.syscall == "prctl" and auditd.data.a0 == "f""#),
                       [[Guard(field: "auditd.data.syscall", exact: ["prctl"])]])
    }

    func testMultiValuedReadingTakesOneConjunctNotTheIntersection() throws {
        // ["-c", "nc"] satisfies both conjuncts through different values: intersecting would skip it.
        XCTAssertEqual(try guards(#"process where process.args == "-c" and process.args in ("nc", "ncat", "socat")"#),
                       [[Guard(field: "process.args", exact: ["-c"])]], "the smallest conjunct bounds it")
    }

    func testTrailingStarPatternsGuardByPrefix() throws {
        XCTAssertEqual(try guards(#"process where process.name : ("Python*", "sh", "PERL")"#),
                       [[Guard(field: "process.name", folded: ["sh", "perl"], foldedPrefixes: ["python"])]])
        XCTAssertEqual(try guards(#"process where process.name like ("py*", "sh") or process.name in ("ruby")"#),
                       [[Guard(field: "process.name", exact: ["sh", "ruby"], prefixes: ["py"])]])
        let bound = try XCTUnwrap(try filters(#"process where process.name : ("Python*", "sh")"#).filters[0].guards.first)
        XCTAssertTrue(bound.admits("python3.11") && bound.admits("PYTHON") && bound.admits("SH"))
        XCTAssertFalse(bound.admits("jython") || bound.admits("shell") || bound.admits("pytho"))
        // The action index and `auspex check` read single values exactly: no prefixes there.
        let (_, compiled) = try filters(#"process where event.action : "exec*" and process.name == "sh""#)
        XCTAssertNil(compiled[0].actions)
    }

    func testLongPrefixListsAreNoGuard() throws {
        // Every prefix is compared with the event's value on each lookup: a long list is left to the condition.
        let many = (0...ActionConstraint.maxPrefixes).map { "\"p\($0)*\"" }.joined(separator: ", ")
        XCTAssertEqual(try guards("process where process.name : (\(many))"), [[]])
        let long = String(repeating: "x", count: ActionConstraint.maxPrefixLength + 1)
        XCTAssertEqual(try guards(#"process where process.name : ("\#(long)*", "sh")"#), [[]])
    }

    func testWhatCannotBeBoundedLeavesNoGuard() throws {
        for query in [
            #"process where process.name : "*python""#,
            #"process where process.name : "py?hon*""#,
            #"process where process.name : ("python*", "*sh")"#,
            #"process where not process.name in ("sh", "bash")"#,
            #"process where process.name != "sh""#,
            #"process where process.name == "sh" or user.id == "0""#,
            #"process where startsWith(process.name, "py")"#,
            #"process where process.name regex "ba.h""#,
        ] {
            XCTAssertEqual(try guards(query), [[]], query)
        }
    }

    func testAnyWhereFiltersAreIndexedUnderTheCategoriesTheyRequire() throws {
        let categories = { (query: String) throws -> [Set<String>?] in try self.filters(query).filters.map(\.indexCategories) }
        XCTAssertEqual(try categories(#"process where true"#), [["process"]])
        XCTAssertEqual(try categories(#"any where event.category in ("file", "process") and user.id == "0""#), [["file", "process"]])
        XCTAssertEqual(try categories(#"any where (event.category == "file" and file.name == "a") or (event.category == "network" and user.id == "0")"#),
                       [["file", "network"]])
        XCTAssertEqual(try categories(#"any where event.category == "file" and event.category == "process""#), [["file"]],
                       "an event of both categories matches: one conjunct bounds it, not the (empty) intersection")
        XCTAssertEqual(try categories(#"any where event.category : "file""#), [nil], "case-insensitive: the index files exact values")
        XCTAssertEqual(try categories(#"any where user.id == "0" or event.category == "file""#), [nil])
        XCTAssertEqual(try categories(#"any where false"#), [[]], "never matches: filed nowhere")
    }

    func testFiltersNeedingAFieldTheSourceNeverProducesAreFiledNowhere() throws {
        let schema = GrowingSchema(known: ["event.category", "process.name"])
        let compiled = try EQLCompiler(schema: schema).compile(#"sequence [process where process.name == "sh"] [any where kubernetes.audit.stage in ("ResponseComplete")]"#)
        XCTAssertEqual(compiled.filters.map(\.indexCategories), [["process"], []])
        XCTAssertEqual(compiled.categories, ["process"], "the rule is still offered (and told the time) by its first stage")
    }

    /// Each filter's guards across fields (``CompiledFilter/eitherGuards``), as (field, exact, folded) per field.
    private func eitherGuards(_ query: String) throws -> [[Guard]?] {
        let (schema, filters) = try filters(query)
        let names = Dictionary(uniqueKeysWithValues: (EQLCompiler.guardFields + [EQLCompiler.actionField]).compactMap { name in
            schema.slot(for: name).map { ($0, name) }
        })
        return filters.map {
            $0.eitherGuards?.map { Guard(field: names[$0.slot] ?? "?", exact: $0.values, folded: $0.caseInsensitiveValues) }
        }
    }

    func testAnOrAcrossFieldsGuardsByEitherField() throws {
        XCTAssertEqual(try eitherGuards(#"any where host.os.type == "linux" and (event.action in ("loaded-kernel-module", "load_module") or auditd.data.syscall in ("init_module", "finit_module"))"#),
                       [[Guard(field: "auditd.data.syscall", exact: ["init_module", "finit_module"]),
                         Guard(field: "event.action", exact: ["loaded-kernel-module", "load_module"])]])
        XCTAssertEqual(try eitherGuards(#"any where (process.name : "SH" and user.id == "0") or file.name == "x" or process.name == "nc""#),
                       [[Guard(field: "process.name", exact: ["nc"], folded: ["sh"]), Guard(field: "file.name", exact: ["x"])]],
                       "branches on the same field unite, case-insensitive values folded")
        XCTAssertEqual(try guards(#"any where event.action == "a" or auditd.data.syscall == "b""#), [[]], "no single field bounds it")
        XCTAssertEqual(try eitherGuards(#"process where process.name == "sh""#), [nil], "a single-field guard needs no other")
    }

    func testWhatCannotBeBoundedAcrossFieldsLeavesNoEitherGuard() throws {
        for query in [
            #"any where not (event.action == "a" or auditd.data.syscall == "b")"#,
            #"any where event.action == "a" or host.name == "h""#,
            #"any where event.action != "a" or auditd.data.syscall == "b""#,
            #"any where event.action == "a" or auditd.data.syscall : "*mod""#,
            #"any where event.action == "a" or auditd.data.syscall == 5"#,
        ] {
            XCTAssertEqual(try eitherGuards(query), [nil], query)
        }
    }
}
