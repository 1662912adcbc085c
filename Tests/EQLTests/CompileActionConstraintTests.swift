@testable import EQL
@testable import EventModel
import XCTest

/// `CompiledFilter.actions` / `CompiledQuery.actionConstraints`: which `event.action` values each filter needs.
final class CompileActionConstraintTests: XCTestCase {
    private func constraints(_ query: String) throws -> (schema: GrowingSchema, query: CompiledQuery) {
        let schema = GrowingSchema()
        return (schema, try EQLCompiler(schema: schema).compile(query))
    }

    /// The sets of the query's filters: `nil` unconstrained, else (case-sensitive, case-insensitive folded).
    private func sets(_ query: String) throws -> [Pair?] {
        let (schema, compiled) = try constraints(query)
        return compiled.actionConstraints.map { constraint in
            constraint.map {
                XCTAssertEqual($0.slot, schema.slot(for: "event.action"), "the slot the condition reads")
                return Pair(exact: $0.values, folded: $0.caseInsensitiveValues)
            }
        }
    }

    private struct Pair: Equatable {
        var exact: Set<String>
        var folded: Set<String>
        init(exact: Set<String> = [], folded: Set<String> = []) { self.exact = exact; self.folded = folded }
    }

    func testTopLevelEqualityMembershipAndLiteralPatternsConstrain() throws {
        XCTAssertEqual(try sets(#"process where event.action == "exec" and process.name == "sh""#), [Pair(exact: ["exec"])])
        XCTAssertEqual(try sets(#"process where process.name == "sh" and event.action in ("exec", "fork")"#),
                       [Pair(exact: ["exec", "fork"])])
        XCTAssertEqual(try sets(#"process where event.action in~ ("Exec", "FORK")"#), [Pair(folded: ["exec", "fork"])])
        XCTAssertEqual(try sets(#"process where event.action : ("Exec", "fork")"#), [Pair(folded: ["exec", "fork"])])
        XCTAssertEqual(try sets(#"process where event.action like "Exec""#), [Pair(exact: ["Exec"])])
        XCTAssertEqual(try sets(#"process where event.action like~ "Exec""#), [Pair(folded: ["exec"])])
        XCTAssertEqual(try sets(#"process where ?event.action == "exec""#), [Pair(exact: ["exec"])])
        XCTAssertEqual(try sets(#"process where false"#), [nil], "no action test: nothing to index by")
    }

    func testOrUnitesBranchesAndAndIntersectsConjuncts() throws {
        XCTAssertEqual(try sets(#"process where event.action == "a" or (event.action in~ ("B") and user.id == "0")"#),
                       [Pair(exact: ["a"], folded: ["b"])])
        XCTAssertEqual(try sets(#"process where event.action in ("a", "b", "C") and event.action : ("B", "c", "d")"#),
                       [Pair(exact: ["b", "C"])], "case-sensitive values the case-insensitive test admits")
        XCTAssertEqual(try sets(#"process where event.action : ("A", "b") and event.action in~ ("a", "c")"#),
                       [Pair(folded: ["a"])])
        XCTAssertEqual(try sets(#"process where event.action == "a" and event.action == "b""#), [Pair()],
                       "contradiction: no action can match")
        XCTAssertEqual(try sets(#"process where event.action == "a" and false"#), [Pair()], "folded to false")
    }

    func testAnythingElseLeavesTheFilterUnconstrained() throws {
        for query in [
            #"process where process.name == "sh""#,
            #"process where event.action != "exec""#,
            #"process where not event.action in ("exec")"#,
            #"process where not (event.action == "exec")"#,
            #"process where event.action : "exe*""#,
            #"process where event.action like ("exec", "f?rk")"#,
            #"process where event.action regex "exec""#,
            #"process where startsWith(event.action, "exec")"#,
            #"process where event.action == null"#,
            #"process where event.action in ("1", 2)"#,
            #"process where event.action == "exec" or process.name == "sh""#,
            #"process where event.action > "a""#,
            #"process where length(event.action) == 4"#,
            #"any where true"#,
        ] {
            XCTAssertEqual(try sets(query), [nil], query)
        }
    }

    func testEverySequenceAndSampleFilterIncludingUntilAndMissingStages() throws {
        XCTAssertEqual(try sets("""
            sequence by process.pid with maxspan=1m
              [process where event.action == "exec"]
              ![network where event.action in ("connect", "accept")]
              [process where true]
            until [process where event.action : "END"]
            """), [Pair(exact: ["exec"]), Pair(exact: ["connect", "accept"]), nil, Pair(folded: ["end"])])
        XCTAssertEqual(try sets("""
            sample by host.id [process where event.action == "exec"] [network where destination.port == 4444]
            """), [Pair(exact: ["exec"]), nil])
        let (_, compiled) = try constraints(#"network where destination.port == 1 and event.action == "x""#)
        XCTAssertEqual(compiled.filters.count, 1)
        XCTAssertEqual(compiled.filters[0].actions?.values, ["x"], "the event query's filter")
    }

    /// Soundness, checked on the matcher itself: whenever a filter matches an event, its constraint admits one of
    /// the event's actions; a missing or null action matches no constrained filter. For these queries the
    /// constraint is also exact (it admits only actions that match).
    func testConstraintsAdmitExactlyTheActionsTheFilterMatches() throws {
        let queries = [
            #"process where event.action == "exec""#,
            #"process where event.action in ("exec", "fork")"#,
            #"process where event.action in~ ("exec", "Éxec")"#,
            #"process where event.action : ("EXEC", "end")"#,
            #"process where event.action like~ "exec" or event.action == "fork""#,
            #"process where event.action in ("exec", "EXEC") and event.action : "exec""#,
        ]
        let actions: [FieldValue?] = ["exec", "EXEC", "Exec", "fork", "FORK", "end", "éxec", "ÉXEC", "", "exec ",
                                      .null, nil, ["fork", "x"], ["x", .null], [.null]]
        for query in queries {
            let (schema, compiled) = try constraints(query)
            let filter = try XCTUnwrap(compiled.filters.first)
            let constraint = try XCTUnwrap(filter.actions, query)
            for action in actions {
                var fields: [String: FieldValue] = ["event.category": "process"]
                if let action { fields["event.action"] = action }
                let matches = filter.matches(schema.event(fields))
                let admitted: Bool
                switch action {
                case .string(let text)?: admitted = constraint.admits(text)
                case .array(let items)?: admitted = items.contains { $0.stringValue.map(constraint.admits) ?? false }
                default: admitted = false
                }
                XCTAssertEqual(matches, admitted, "\(query) on event.action \(action.map { "\($0)" } ?? "missing")")
            }
        }
    }

    func testCaseFoldingAgreesWithTheCaseInsensitiveOperators() {
        XCTAssertEqual(ActionConstraint.caseFolded("Connection_Attempted"), "connection_attempted")
        XCTAssertEqual(ActionConstraint.caseFolded("ÉXEC"), ActionConstraint.caseFolded("éxec"))
        // The shortcut for texts already folded gives what the general way gives.
        for text in ["", "bash", "/usr/bin/python3.11", "Bash", "@[Z]", "bäsh", "K\u{212A}", "e\u{301}", "a b\u{7F}"] {
            XCTAssertEqual(ActionConstraint.caseFolded(text),
                           ActionConstraint.foldingASCII(CaseFolding.comparable(text)), text)
        }
        XCTAssertEqual(ActionConstraint.caseFolded("@[Z]"), "@[z]", "the bytes around the capitals stay")
        let constraint = ActionConstraint(slot: 0, values: ["Exact"], caseInsensitiveValues: ["Folded"])
        XCTAssertTrue(constraint.admits("Exact"))
        XCTAssertFalse(constraint.admits("exact"), "== is case-sensitive")
        XCTAssertTrue(constraint.admits("FOLDED"))
        XCTAssertFalse(constraint.admits("fold"))
    }
}
