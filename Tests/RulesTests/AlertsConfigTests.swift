@testable import Alerting
@testable import Detection
@testable import Rules
import XCTest

final class AlertsConfigTests: XCTestCase {
    func testAlertsSectionSetsThePolicyAndChecksRanges() throws {
        let text = """
            [alerts]
            max_alert_bytes = 16384
            max_field_bytes = 512
            max_array_elements = 8
            suppress_duplicates = false
            suppress_duplicates_seconds = 30
            rate_limit_per_minute = 10
            rate_limit_burst = 2
            max_suppression_groups = 100
            queue_max_bytes = 1048576
            """
        let result = ConfigLoader.parse(text: text, file: "auspex.toml")
        XCTAssertEqual(result.diagnostics, [])
        let policy = result.config.alertPolicy
        XCTAssertEqual(policy.limits, AlertLimits(maxAlertBytes: 16384, maxFieldBytes: 512, maxArrayElements: 8))
        XCTAssertFalse(policy.suppressDuplicates)
        XCTAssertEqual(policy.duplicateWindowNanos, 30_000_000_000)
        XCTAssertEqual(policy.ratePerMinute, 10)
        XCTAssertEqual(policy.rateBurst, 2)
        XCTAssertEqual(policy.maxGroups, 100)
        XCTAssertEqual(result.config.alerts.queueMaxBytes, 1_048_576)

        let defaults = AuspexConfig().alertPolicy
        XCTAssertEqual(defaults.limits.maxAlertBytes, 65_536)
        XCTAssertTrue(defaults.suppressDuplicates)
        XCTAssertEqual(defaults.duplicateWindowNanos, 60_000_000_000)

        let bad = ConfigLoader.parse(text: "[alerts]\nmax_alert_bytes = 100\n", file: "auspex.toml")
        XCTAssertEqual(bad.diagnostics.map(\.description),
                       ["auspex.toml:2:1: error: 'alerts.max_alert_bytes' must be an integer from 8192 to 1048576, found 100"])
        var config = AuspexConfig()
        XCTAssertNoThrow(try config.applyOverride("alerts.suppress_duplicates=false"))
        XCTAssertFalse(config.alerts.suppressDuplicates)
    }
}
