@testable import EventModel
import XCTest
@testable import EQL

/// Review "Reliability and security" F2: stages whose times lie far apart (up to the ends of Int64) must not
/// trap the maxspan check or the expiry sweep; they are simply too far apart.
final class SequenceTimeBoundaryTests: XCTestCase {
    private func run(_ times: [Int64], maxspan: Int64?, window: Int64? = nil) -> (results: Int, counters: MatchCounters) {
        var machine = SequenceStateMachine<Int>(shape: SequenceShape(missing: [false, false], maxspan: maxspan, window: window))
        var results: [SequenceResult<Int>] = []
        for (index, time) in times.enumerated() {
            machine.process(index, timestamp: time, stageKeys: { $0 == index ? [JoinKey([.string("k")])] : [] },
                            into: &results)
        }
        machine.finish(into: &results)
        return (results.count, machine.counters)
    }

    func testStagesAcrossTheInt64RangeAreRejectedByMaxspan() {
        let outcome = run([.min, .max], maxspan: 5_000_000_000)
        XCTAssertEqual(outcome.results, 0)
        // The first stage expired in the sweep or was rejected: either way no match and no trap.
        XCTAssertEqual(outcome.counters.expired + outcome.counters.rejectedMaxspan, 1)
        XCTAssertEqual(outcome.counters.matches, 0)
    }

    func testMaxspanAcrossWrappedNanosecondsDoesNotTrap() {
        // The old wrapping `&*` turned 253402300799.999 into a negative nanosecond count next to a positive one.
        let wrapped = Int64(253_402_300_799) &* 1_000_000_000 &+ 999_000_000
        XCTAssertEqual(run([wrapped, 1_700_000_000_000_000_000], maxspan: 60_000_000_000).results, 0)
        XCTAssertEqual(run([0, .max], maxspan: .max).results, 1)        // exactly maxspan apart: inclusive
        XCTAssertEqual(run([-2, .max], maxspan: .max).results, 0)
    }

    func testWindowSweepNearTheEndsOfTime() {
        XCTAssertEqual(run([.min, .min + 1], maxspan: nil, window: 60_000_000_000).results, 1)
        XCTAssertEqual(run([.max - 1, .max], maxspan: nil, window: 60_000_000_000).results, 1)
        XCTAssertEqual(run([.min, .max], maxspan: nil, window: .max).results, 0)
    }

    func testSaturatingHelpers() {
        XCTAssertEqual(Int64.max.saturatingAdd(1), .max)
        XCTAssertEqual(Int64.min.saturatingAdd(-1), .min)
        XCTAssertEqual(Int64.max.saturatingSubtract(-1), .max)
        XCTAssertEqual(Int64.min.saturatingSubtract(1), .min)
        XCTAssertEqual(Int64(5).saturatingSubtract(7), -2)
    }
}
