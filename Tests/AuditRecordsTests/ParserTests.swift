@testable import AuditRecords
import XCTest

final class ParserTests: XCTestCase {
    func testLogLineHeaderAndFields() throws {
        let record = try parse(#"type=SYSCALL msg=audit(1492037289.295:58): arch=c000003e syscall=42 success=no exit=-115 comm="google_accounts" key=(null)"#).record()
        XCTAssertEqual(record.type, .syscall)
        XCTAssertEqual(record.type.name, "SYSCALL")
        XCTAssertEqual(record.timestamp, AuditTimestamp(seconds: 1_492_037_289, milliseconds: 295))
        XCTAssertEqual(record.timestamp.nanosecondsSinceEpoch, 1_492_037_289_295_000_000)
        XCTAssertEqual(record.serial, 58)
        XCTAssertNil(record.node)
        XCTAssertEqual((0..<record.fieldCount).map(record.keyString(at:)),
                       ["arch", "syscall", "success", "exit", "comm", "key"])
        XCTAssertEqual(record["arch"]?.rawString, "c000003e")
        XCTAssertEqual(record["exit"]?.int, -115)
        XCTAssertEqual(record["comm"]?.string, "google_accounts")
        XCTAssertEqual(record["comm"]?.quoting, .double)
        XCTAssertEqual(record["key"]?.isMissing, true)
        XCTAssertNil(record["nothere"])
    }

    func testNetlinkPayloadTakesTypeFromHeaderAndIgnoresPadding() throws {
        let payload = Array("audit(1700000000.001:4294967295): cwd=\"/tmp\"\n".utf8) + [0, 0, 0]
        let record = try AuditParser.parseNetlink(type: 1307, payload: payload).get()
        XCTAssertEqual(record.type, .cwd)
        XCTAssertEqual(record.serial, UInt32.max)
        XCTAssertEqual(record.timestamp.milliseconds, 1)
        XCTAssertEqual(record["cwd"]?.string, "/tmp")
        XCTAssertEqual(record.fieldCount, 1)
    }

    func testNodePrefix() throws {
        let record = try parse("node=host-1.example type=EOE msg=audit(1.500:7): ").record()
        XCTAssertEqual(record.node, "host-1.example")
        XCTAssertEqual(record.type, .eoe)
        XCTAssertEqual(record.fieldCount, 0)
    }

    func testEnrichedSuffixIsNotParsedAsFields() throws {
        let line = "type=PATH msg=audit(1615150974.493:21028): item=0 name=\"/bin/echo\" ouid=0\u{1d}OUID=\"root\" OGID=\"root\""
        let record = try parse(line).record()
        XCTAssertEqual((0..<record.fieldCount).map(record.keyString(at:)), ["item", "name", "ouid"])
        XCTAssertEqual(record["ouid"]?.rawString, "0")
        let enriched = try XCTUnwrap(record.enrichedRange)
        XCTAssertEqual(String(decoding: record.bytes[enriched], as: UTF8.self), "OUID=\"root\" OGID=\"root\"")
    }

    func testUserSpaceMessageIsFlattened() throws {
        let line = #"type=USER_LOGIN msg=audit(1.000:9): pid=1 uid=0 auid=4294967295 msg='op=login acct="root" exe="/usr/sbin/sshd" hostname=? addr=10.0.0.5 terminal=ssh res=failed'"#
        let record = try parse(line).record()
        XCTAssertEqual(record.type, .userLogin)
        XCTAssertEqual(record["msg"]?.quoting, .single)
        XCTAssertEqual(record["acct"]?.string, "root")
        XCTAssertEqual(record["addr"]?.string, "10.0.0.5")
        XCTAssertEqual(record["res"]?.string, "failed")
        XCTAssertEqual(record["hostname"]?.isMissing, true)
    }

    func testBareWordsAreSkipped() throws {
        let record = try parse("type=AVC msg=audit(1.000:9): avc:  denied  { read write } for  pid=5 comm=\"x\"").record()
        XCTAssertEqual((0..<record.fieldCount).map(record.keyString(at:)), ["pid", "comm"])
    }

    func testTypeNamesAreCaseInsensitiveAndUnknownFormParses() throws {
        XCTAssertEqual(try parse("type=syscall msg=audit(1.000:1): a=b").record().type, .syscall)
        let unknown = try parse("type=UNKNOWN[1999] msg=audit(1.000:1): a=b").record()
        XCTAssertEqual(unknown.type.rawValue, 1999)
        XCTAssertEqual(unknown.type.name, "UNKNOWN[1999]")
    }

    func testFractionWidthsScaleToMilliseconds() throws {
        XCTAssertEqual(try parse("type=EOE msg=audit(5.5:1):").record().timestamp.milliseconds, 500)
        XCTAssertEqual(try parse("type=EOE msg=audit(5.123456:1):").record().timestamp.milliseconds, 123)
    }

    func testMalformedLinesGiveReasons() {
        let cases: [(String, AuditParseError.Reason)] = [
            ("", .emptyInput),
            ("\n", .emptyInput),
            ("msg=audit(1.000:1): a=b", .missingType),
            ("type= msg=audit(1.000:1):", .missingType),
            ("type=NOPE msg=audit(1.000:1): a=b", .unknownType),
            ("type=SYSCALL arch=c000003e", .missingHeader),
            ("type=SYSCALL msg=audit1.000:1)", .missingHeader),
            ("type=SYSCALL msg=audit(x.000:1)", .malformedTimestamp),
            ("type=SYSCALL msg=audit(1:1)", .malformedTimestamp),
            ("type=SYSCALL msg=audit(1.000)", .malformedSerial),
            ("type=SYSCALL msg=audit(1.000:4294967296)", .malformedSerial),
            ("type=SYSCALL msg=audit(1.000:12", .unterminatedHeader),
        ]
        for (line, reason) in cases {
            XCTAssertEqual(parse(line).error?.reason, reason, line)
        }
        XCTAssertEqual(parse("type=SYSCALL msg=audit(1.000:12").error?.description,
                       "audit( header not closed by ) at byte 31")
    }
}

final class LegacyFormTests: XCTestCase {
    func testOldLoginPrefixesBecomePartOfTheKey() throws {
        let record = try parse("type=LOGIN msg=audit(1170021601.343:296): login pid=13015 uid=0 old auid=4294967295 new auid=0").record()
        XCTAssertEqual(record["old_auid"]?.rawString, "4294967295")
        XCTAssertEqual(record["new_auid"]?.rawString, "0")
        XCTAssertNil(record["auid"])
        XCTAssertEqual((0..<record.fieldCount).map(record.keyString(at:)), ["pid", "uid", "old_auid", "new_auid"])
    }

    func testOldOrNewAsOrdinaryWordsDoNotLeak() throws {
        let record = try parse("type=AVC msg=audit(1.000:1): old  new x=1 old").record()
        XCTAssertEqual((0..<record.fieldCount).map(record.keyString(at:)), ["x"])
    }

    func testOldPAMMessageForm() throws {
        let line = #"type=USER_START msg=audit(1170021601.344:297): user pid=13015 uid=0 auid=0 msg='PAM: session open acct=root : exe="/usr/sbin/crond" (hostname=?, addr=?, terminal=cron res=success)'"#
        let record = try parse(line).record()
        XCTAssertEqual(record["hostname"]?.isMissing, true)
        XCTAssertEqual(record["addr"]?.isMissing, true)
        XCTAssertEqual(record["terminal"]?.string, "cron")
        XCTAssertEqual(record["res"]?.string, "success")
        XCTAssertEqual(record["acct"]?.string, "root")
        XCTAssertEqual(record["exe"]?.string, "/usr/sbin/crond")
        let modern = try parse("type=USER_START msg=audit(1.000:1): msg='op=x tty=(none) a=(b) c=d,'").record()
        XCTAssertEqual(modern["tty"]?.string, "(none)")
        XCTAssertEqual(modern["a"]?.string, "(b)")
        XCTAssertEqual(modern["c"]?.string, "d")
    }

    func testSignalNames() {
        XCTAssertEqual(AuditSignal.name(31), "SIGSYS")
        XCTAssertEqual(AuditSignal.name(9), "SIGKILL")
        XCTAssertNil(AuditSignal.name(0))
        XCTAssertNil(AuditSignal.name(32))
    }
}
