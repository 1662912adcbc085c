import PackageTestSupport
@testable import AuditRecords
@testable import EventModel
@testable import Events
@testable import Reassembler
import XCTest

/// Untrusted process names, arguments and paths: never crash, decode with replacement characters, bound
/// sizes, count what was cut or undecodable, and keep JSON output one valid line.
final class NormalizerHostileInputTests: XCTestCase {
    private func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes { out += [digits[Int(byte >> 4)], digits[Int(byte & 15)]] }
        return String(decoding: out, as: UTF8.self)
    }

    private func execve(comm: [UInt8], args: [[UInt8]], serial: Int = 9) -> String {
        var text = "type=SYSCALL msg=audit(1700000000.300:\(serial)): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=77 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm=\(hex(comm)) exe=\(hex(args.first ?? [0x2F]))\n"
        text += "type=EXECVE msg=audit(1700000000.300:\(serial)): argc=\(args.count)"
        for (index, arg) in args.enumerated() { text += " a\(index)=\(hex(arg))" }
        text += "\ntype=PROCTITLE msg=audit(1700000000.300:\(serial)): proctitle=\(hex(Array(args.joined(separator: [0]))))\n"
        return text
    }

    private func roundTrip(_ document: Document, file: StaticString = #filePath, line: UInt = #line) {
        let json = JSONWriter.string(document)
        XCTAssertFalse(json.contains("\n"), "one NDJSON line", file: file, line: line)
        XCTAssertNoThrow(try JSONReader.parse(json), file: file, line: line)
    }

    func testNewlinesQuotesAndInvalidUTF8() throws {
        let comm: [UInt8] = Array("ev\"il\nname".utf8)
        let args: [[UInt8]] = [Array("/tmp/a b".utf8), Array("x\ny\"z'".utf8), [0x66, 0xFF, 0xFE, 0x6F], [0xE2, 0x82]]
        let event = try Fixtures.events(fromLogText: execve(comm: comm, args: args))[0]
        var counters = NormalizerCounters()
        let doc = Fixtures.normalizer().normalize(event, counters: &counters)
        XCTAssertEqual(doc["process.name"], "ev\"il\nname")
        XCTAssertEqual(doc["process.args"], ["/tmp/a b", "x\ny\"z'", "f\u{FFFD}\u{FFFD}o", "\u{FFFD}"])
        XCTAssertEqual(doc["process.executable"], "/tmp/a b")
        XCTAssertEqual(doc["process.title"], "/tmp/a b x\ny\"z' f\u{FFFD}\u{FFFD}o \u{FFFD}")
        XCTAssertEqual(counters, NormalizerCounters())
        roundTrip(doc)
    }

    func testHugeValuesAreCutAndCounted() throws {
        let normalizer = Normalizer(host: Fixtures.host, names: StaticNameLookup(),
                                    limits: .init(maxValueBytes: 1000, maxArguments: 8))
        let big = [UInt8](repeating: UInt8(ascii: "A"), count: 50_000)
        let args = [Array("/bin/sh".utf8), big] + (0..<20).map { Array("arg\($0)".utf8) }
        let event = try Fixtures.events(fromLogText: execve(comm: Array("sh".utf8), args: args))[0]
        var counters = NormalizerCounters()
        let doc = normalizer.normalize(event, counters: &counters)
        guard case .array(let kept)? = doc["process.args"] else { return XCTFail("no process.args") }
        XCTAssertEqual(kept.count, 8)
        XCTAssertEqual(kept[1].stringValue?.utf8.count, 1000)
        XCTAssertLessThanOrEqual(doc["process.title"]?.stringValue?.utf8.count ?? 0, 1000)
        XCTAssertEqual(counters.truncatedValues, 3, "the long argument, the argument vector and the title")
        roundTrip(doc)
    }

    /// An argument cut in the usual in-order reading and read again when a later field changes the shape (a repeat,
    /// a gap, a piece) counts once; arguments beyond `argc` never count.
    func testArgumentsReadTwiceAreCutAndCountedOnce() throws {
        let normalizer = Normalizer(host: Fixtures.host, names: StaticNameLookup(),
                                    limits: .init(maxValueBytes: 4, maxArguments: 8))
        let cases: [(body: String, args: [String], cuts: UInt64)] = [
            (#"argc=2 a0="abcdefg" a1="xy""#, ["abcd", "xy"], 1),
            (#"argc=2 a0="abcdefg" a1="xy" a0="uvwxyz""#, ["uvwx", "xy"], 1),
            (#"argc=2 a0="abcdefg" a1="xy" a0="uv""#, ["uv", "xy"], 0),
            (#"argc=3 a0="abcdefg" a2="zzzzzz" a1="yy""#, ["abcd", "yy", "zzzz"], 2),
            (#"argc=1 a0="ab" a1="cdefgh""#, ["ab"], 0),
        ]
        for (body, args, cuts) in cases {
            let text = """
                type=SYSCALL msg=audit(1700000000.300:5): syscall=59 success=yes exit=0 a0=1 items=0 ppid=1 pid=2 auid=0 uid=0 comm="c"
                type=EXECVE msg=audit(1700000000.300:5): \(body)

                """
            var counters = NormalizerCounters()
            let doc = normalizer.normalize(try Fixtures.events(fromLogText: text)[0], counters: &counters)
            XCTAssertEqual(doc["process.args"], .array(args.map(FieldValue.string)), body)
            XCTAssertEqual(counters.truncatedValues, cuts, body)
        }
    }

    /// A forged identity record repeating an id key: the fields show its last set value with that value's own name
    /// (never an earlier value's name beside a later id), the summary its first value.
    func testARepeatedIdKeyShowsItsLastSetValueWithItsOwnName() throws {
        let normalizer = Normalizer(host: Fixtures.host, names: StaticNameLookup(users: ["0": "root"]))
        let text = """
            type=SYSCALL msg=audit(1700000000.300:5): arch=c000003e syscall=59 success=yes exit=0 a0=1 items=0 ppid=1 pid=2 auid=0 auid=12345 uid=0 comm="c"

            """
        let doc = normalizer.normalize(try Fixtures.events(fromLogText: text)[0])
        XCTAssertEqual(doc["auditd.user.audit.id"], "12345")
        XCTAssertNil(doc["auditd.user.audit.name"], "12345 has no name: root belongs to the first value")
        XCTAssertEqual(doc["auditd.summary.actor.primary"], "root", "the summary's actor is the first value")
    }

    func testMalformedValuesAreCountedAndLeftOut() throws {
        let text = """
            type=SYSCALL msg=audit(1700000000.300:5): arch=deadbeef syscall=99999 success=maybe exit=zz a0=1 items=1 ppid=-x pid=12ab auid=0 uid=0 comm="c"
            type=SOCKADDR msg=audit(1700000000.300:5): saddr=ZZ
            type=EXECVE msg=audit(1700000000.300:5): argc=3 a0="only-one"

            """
        var counters = NormalizerCounters()
        let doc = Fixtures.normalizer().normalize(try Fixtures.events(fromLogText: text)[0], counters: &counters)
        XCTAssertEqual(counters.unknownArch, 1)
        XCTAssertEqual(counters.unknownSyscall, 1)
        XCTAssertEqual(counters.malformedSockaddr, 1)
        XCTAssertEqual(counters.incompleteExecve, 1)
        XCTAssertEqual(counters.malformedNumber, 2)
        XCTAssertNil(doc["process.pid"])
        XCTAssertNil(doc["process.parent.pid"])
        XCTAssertEqual(doc["auditd.data.syscall"], "99999", "an unknown number stays numeric")
        XCTAssertEqual(doc["auditd.data.arch"], "deadbeef")
        XCTAssertEqual(doc["auditd.data.exit"], "zz")
        XCTAssertEqual(doc["event.outcome"], "failure")
        XCTAssertEqual(doc["event.category"], ["process"])
        roundTrip(doc)
    }

    func testEventsWithoutSyscallOrRecords() throws {
        var counters = NormalizerCounters()
        let orphans = try Fixtures.events(fromLogText: """
            type=CWD msg=audit(1700000000.300:6): cwd="/"
            type=PATH msg=audit(1700000000.300:6): item=0 name="/etc/shadow" nametype=NORMAL

            """)[0]
        let doc = Fixtures.normalizer().normalize(orphans, counters: &counters)
        XCTAssertEqual(counters.missingSyscallRecord, 1)
        XCTAssertEqual(doc["auditd.message_type"], "cwd")
        roundTrip(doc)

        let empty = AuditEvent(serial: 1, timestamp: AuditTimestamp(seconds: 0, milliseconds: 0), records: [])
        let emptyDoc = Fixtures.normalizer().normalize(empty, counters: &counters)
        XCTAssertEqual(counters.emptyEvents, 1)
        XCTAssertEqual(emptyDoc["@timestamp"], "1970-01-01T00:00:00.000Z")
        roundTrip(emptyDoc)
    }

    func testForgedKeysCannotNestUnderOtherFields() throws {
        let doc = Fixtures.normalizer().normalize(try Fixtures.events(fromLogText: """
            type=USER_CMD msg=audit(1700000000.300:8): pid=1 uid=0 auid=0 ses=1 msg='cwd="/" cmd=6C73 syscall.x=1 a-b=2 res=success'

            """)[0])
        XCTAssertEqual(doc["auditd.data.syscall_x"], "1")
        XCTAssertEqual(doc["auditd.data.a_b"], "2")
        XCTAssertEqual(doc["auditd.summary.object.primary"], "ls", "hex cmd decoded")
        XCTAssertEqual(doc["event.action"], "ran-command")
        roundTrip(doc)
    }

    /// Mutated copies of real records (deterministic generator): whatever parses must normalize and serialize.
    func testMutatedRecordsNeverCrash() throws {
        let lines = try Fixtures.read("audit-samples/synthetic/udp-reverse-shell-synthetic.log")
            .split(separator: UInt8(ascii: "\n")).map(Array.init)
        var generator = SplitMix64(seed: 0x5eed)
        let normalizer = Fixtures.normalizer()
        let alphabet = Array(" =\"'\\\u{1d}\u{0}\n:().-0123456789ABCDEFabcdefxyz".utf8) + [0xFF, 0xC3, 0x80]
        var normalized = 0
        for _ in 0..<500 {
            var records: [AuditRecord] = []
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                var line = lines[Int(generator.next() % UInt64(lines.count))]
                for _ in 0..<(1 + Int(generator.next() % 6)) where !line.isEmpty {
                    let index = Int(generator.next() % UInt64(line.count))
                    switch generator.next() % 3 {
                    case 0: line[index] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                    case 1: line.remove(at: index)
                    default: line.insert(contentsOf: line[index..<min(line.count, index + 40)], at: index)
                    }
                }
                if case .success(let record) = AuditParser.parseLogLine(line) { records.append(record) }
            }
            guard let first = records.first else { continue }
            let doc = normalizer.normalize(AuditEvent(serial: first.serial, timestamp: first.timestamp, records: records))
            XCTAssertNoThrow(try JSONReader.parse(JSONWriter.string(doc)))
            normalized += 1
        }
        XCTAssertGreaterThan(normalized, 150, "most mutations still parse as records")
    }
    /// A syscall number is named from the `arch=` before it without decoding its text; a later `arch=` that names no
    /// architecture leaves the number unnamed after all, and the document shows its text as before.
    func testASyscallNamedEarlyFallsBackToItsNumberWhenALaterArchIsUnknown() throws {
        let text = "type=SYSCALL msg=audit(1700000000.300:5): arch=c000003e syscall=059 arch=zzz success=yes exit=0 "
            + "pid=77 ppid=1 uid=0 comm=\"sh\" exe=\"/bin/sh\"\n"
        let event = try Fixtures.events(fromLogText: text)[0]
        var counters = NormalizerCounters()
        let doc = Fixtures.normalizer().normalize(event, counters: &counters)
        XCTAssertEqual(doc["auditd.data.syscall"], "059")
        XCTAssertEqual(doc["auditd.data.arch"], "zzz")
        XCTAssertNil(doc["event.action"], "the number's text has no normalization of its own")
        XCTAssertEqual(counters.unknownArch, 1)
        XCTAssertEqual(counters.unknownSyscall, 1)
    }

    /// `arch=` and `syscall=` values named without decoding still count as cut when decoding them would have cut
    /// them (a limit shorter than the value).
    func testNamedArchAndSyscallStillCountTheirCuts() throws {
        let normalizer = Normalizer(host: Fixtures.host, names: StaticNameLookup(),
                                    limits: .init(maxValueBytes: 2, maxArguments: 8))
        let text = "type=SYSCALL msg=audit(1700000000.300:6): arch=c000003e syscall=59 success=yes exit=0 pid=77 ppid=1\n"
        var counters = NormalizerCounters()
        let doc = normalizer.normalize(try Fixtures.events(fromLogText: text)[0], counters: &counters)
        XCTAssertEqual(doc["auditd.data.arch"], "x86_64")
        XCTAssertEqual(doc["auditd.data.syscall"], "execve")
        XCTAssertEqual(counters.truncatedValues, 2, "arch= and success=: 8 and 3 bytes over a 2-byte limit; syscall= fits")
    }
}
