import XCTest
@testable import EQL

/// Runs Elasticsearch's `sequences.series-spec` scenarios through the bare sequence state machine.
final class MatchSequenceSpecTests: XCTestCase {
    struct Token { var stage: Int; var key: String; var label: String; var time: Int64 }
    struct Scenario { var name: String; var stages: [[Token]]; var expected: [[String]] }

    static func parse(_ text: String) -> [Scenario] {
        var scenarios: [Scenario] = []
        var name: String?
        var stages: [[Token]] = []
        var expected: [[String]] = []
        var section = 0  // 0 name, 1 stages, 2 expected
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("//") { continue }
            if line == ";" {
                if section == 1 { section = 2 } else if section == 2 {
                    scenarios.append(Scenario(name: name ?? "?", stages: stages, expected: expected))
                    (name, stages, expected, section) = (nil, [], [], 0)
                }
                continue
            }
            let words = line.split(separator: " ").map(String.init)
            switch section {
            case 0: name = line; section = 1
            case 1:
                let stage = stages.count
                stages.append(words.map { word in
                    let parts = word.split(separator: "|").map(String.init)
                    let label = parts.last!
                    let time = Int64(label.drop(while: { $0.isLetter }))!
                    return Token(stage: stage, key: parts.count > 1 ? parts[0] : "", label: label, time: time)
                })
            default:
                expected.append(words.map { String($0.split(separator: "|").last!) })
            }
        }
        return scenarios
    }

    func testSeriesSpec() throws {
        let scenarios = Self.parse(try SharedData.text("eql-suite/es-unit/sequences.series-spec"))
        XCTAssertEqual(scenarios.count, 25)
        var passed = 0
        for scenario in scenarios {
            var machine = SequenceStateMachine<String>(shape: SequenceShape(missing: Array(repeating: false, count: scenario.stages.count)))
            let tokens = scenario.stages.flatMap { $0 }.sorted { $0.time < $1.time }
            var results: [SequenceResult<String>] = []
            for token in tokens {
                machine.process(token.label, timestamp: token.time, stageKeys: { stage in
                    stage == token.stage ? [JoinKey([.string(token.key)])] : []
                }, into: &results)
            }
            machine.finish(into: &results)
            let got = results.map { $0.events.map { $0 ?? "-" } }
            XCTAssertEqual(got, scenario.expected, scenario.name)
            if got == scenario.expected { passed += 1 }
        }
        print("sequences.series-spec: \(passed)/\(scenarios.count) passed")
    }
}
