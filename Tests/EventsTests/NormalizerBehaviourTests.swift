@testable import EventModel
@testable import Events
import XCTest

/// Event-level behaviour on small hand-written records (kernel format), one concern per test.
final class NormalizerBehaviourTests: XCTestCase {
    private func document(_ lines: String, names: any NameLookup = Fixtures.exampleNames,
                          counters: UnsafeMutablePointer<NormalizerCounters>? = nil) throws -> Document {
        let events = try Fixtures.events(fromLogText: lines)
        XCTAssertEqual(events.count, 1)
        var local = NormalizerCounters()
        let document = Fixtures.normalizer(names: names).normalize(events[0], counters: &local)
        counters?.pointee = local
        return document
    }

    private func syscall(_ number: Int, _ extra: String = "", uid: String = "1000", euid: String = "1000",
                         auid: String = "1000", serial: Int = 7) -> String {
        "type=SYSCALL msg=audit(1700000000.250:\(serial)): arch=c000003e syscall=\(number) success=yes exit=0 a0=3 a1=2 a2=0 a3=0 items=0 ppid=10 pid=11 auid=\(auid) uid=\(uid) gid=1000 euid=\(euid) suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm=\"nc\" exe=\"/usr/bin/nc\" key=\"k\" \(extra)\n"
    }

    func testTheHotEntryHandsOutTheSyscallIdentityAndNoneForOtherEvents() throws {
        // A repeated key: the last occurrence wins, as the process table's own scan of the record reads it.
        let events = try Fixtures.events(fromLogText: syscall(57, "uid=1001 tty=(none)", serial: 7)
            + "type=USER_LOGIN msg=audit(1700000000.300:8): pid=12 uid=0 auid=1000 ses=3 msg='op=login acct=\"alice\" exe=\"/usr/sbin/sshd\" hostname=? addr=10.0.0.9 terminal=ssh res=success'\n")
        XCTAssertEqual(events.count, 2)
        var normalizer = Fixtures.normalizer()
        var counters = NormalizerCounters()
        var identity: SyscallIdentity?
        let slots = normalizer.normalize(events[0], into: EventSlots(), identity: &identity, counters: &counters)
        var expected = SyscallIdentity()
        expected.pid = 11
        expected.parentPid = 10
        expected.success = true
        expected.exit = 0
        expected.a0 = 3
        expected.userID = "1001"
        expected.effectiveUserID = "1000"
        expected.groupID = "1000"
        expected.effectiveGroupID = "1000"
        expected.tty = "(none)"
        XCTAssertEqual(identity, expected)
        XCTAssertEqual(slots.document(), Fixtures.normalizer().normalize(events[0], counters: &counters),
                       "the identity is not a field: the document is the one the other entries give")

        let login = normalizer.normalize(events[1], into: EventSlots(), identity: &identity, counters: &counters)
        XCTAssertNil(identity, "not a SYSCALL record: none, whatever the variable held")
        XCTAssertFalse(login.isEmpty)
    }

    func testActionIsAbsentNotEmptyWithoutNormalization() throws {
        for number in [41, 112] {  // socket, setsid
            let doc = try document(syscall(number))
            XCTAssertNil(doc["event.action"], "syscall \(number)")
            XCTAssertEqual(doc["event.category"], ["process"])
            XCTAssertEqual(doc["event.type"], ["info"])
            XCTAssertFalse(JSONWriter.string(doc).contains("\"action\""))
        }
        XCTAssertEqual(try document(syscall(59))["event.action"], "executed")
    }

    func testSyscallArgumentsStayVerbatimLowerCaseHex() throws {
        let doc = try document("type=SYSCALL msg=audit(1700000000.250:7): arch=c000003e syscall=41 success=yes exit=3 a0=26 a1=80802 a2=1b6 a3=7ffd0000abcd items=0 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"x\" exe=\"/x\"\n")
        XCTAssertEqual(doc["auditd.data.a0"], "26")
        XCTAssertEqual(doc["auditd.data.a1"], "80802")
        XCTAssertEqual(doc["auditd.data.a2"], "1b6")
        XCTAssertEqual(doc["auditd.data.a3"], "7ffd0000abcd")
        XCTAssertEqual(doc["auditd.data.syscall"], "socket")
        XCTAssertEqual(doc["auditd.data.exit"], "3")
        XCTAssertEqual(doc["auditd.data.tty"], "(none)")
        XCTAssertEqual(doc["auditd.data.items"], 0, "a lone SYSCALL keeps items, as go-libaudit's simple events")
    }

    func testFailedSyscallHasErrnoNameAndFailureOutcome() throws {
        let line = syscall(42).replacingOccurrences(of: "success=yes exit=0", with: "success=no exit=-13")
        let doc = try document(line)
        XCTAssertEqual(doc["auditd.data.exit"], "EACCES")
        XCTAssertEqual(doc["event.outcome"], "failure")
        XCTAssertEqual(doc["auditd.result"], "fail")
    }

    func testEffectiveUserOnlyWhenItDiffers() throws {
        let same = try document(syscall(59))
        XCTAssertEqual(same["user.id"], "1000")
        XCTAssertEqual(same["user.name"], "vagrant")
        XCTAssertNil(same["user.effective.id"])
        XCTAssertNil(same["user.effective.group.id"])

        let elevated = try document(syscall(59, uid: "1000", euid: "0"))
        XCTAssertEqual(elevated["user.id"], "1000")
        XCTAssertEqual(elevated["user.effective.id"], "0")
        XCTAssertEqual(elevated["user.effective.name"], "root")
        XCTAssertEqual(elevated["user.effective.group.id"], "1000")
        XCTAssertEqual(elevated["auditd.user.audit.id"], "1000")
        XCTAssertEqual(elevated["auditd.user.saved.id"], "1000")
        XCTAssertNil(elevated["user.audit.id"], "auditd_manager moves it under auditd.user")
    }

    func testUnsetLoginIdAndSession() throws {
        let doc = try document(syscall(59, auid: "4294967295").replacingOccurrences(of: "ses=3", with: "ses=4294967295"))
        XCTAssertNil(doc["auditd.user.audit.id"])
        XCTAssertNil(doc["auditd.session"])
        XCTAssertEqual(doc["auditd.summary.actor.primary"], "unset")
        XCTAssertEqual(doc["auditd.summary.actor.secondary"], "vagrant")
    }

    func testNamesComeFromTheInjectedLookup() throws {
        let doc = try document(syscall(59), names: StaticNameLookup(users: ["1000": "alice"], groups: ["1000": "staff"]))
        XCTAssertEqual(doc["user.name"], "alice")
        XCTAssertEqual(doc["user.group.name"], "staff")
        let unresolved = try document(syscall(59), names: StaticNameLookup())
        XCTAssertEqual(unresolved["user.id"], "1000")
        XCTAssertNil(unresolved["user.name"])
        XCTAssertEqual(unresolved["auditd.summary.actor.primary"], "1000")
    }

    func testHostFactsAndConstants() throws {
        let doc = try document(syscall(59))
        XCTAssertEqual(doc["host.id"], "0123456789abcdef0123456789abcdef")
        XCTAssertEqual(doc["host.name"], "testhost")
        XCTAssertEqual(doc["host.os.type"], "linux")
        XCTAssertEqual(doc["event.dataset"], "auditd_manager.auditd")
        XCTAssertEqual(doc["data_stream.dataset"], "auditd_manager.auditd")
        XCTAssertEqual(doc["event.module"], "auditd")
        XCTAssertEqual(doc["event.sequence"], 7)
        XCTAssertEqual(doc["@timestamp"], "2023-11-14T22:13:20.250Z")
        XCTAssertEqual(doc["tags"], ["k", "auditd_manager-auditd"])

        let noHost = Normalizer(host: HostInfo(id: nil, name: nil), names: StaticNameLookup())
            .normalize(try Fixtures.events(fromLogText: syscall(59))[0])
        XCTAssertNil(noHost["host.id"])
        XCTAssertNil(noHost["host.name"])
        XCTAssertEqual(noHost["host.os.type"], "linux")
    }

    func testSeveralHexEncodedRuleKeysBecomeTags() throws {
        // "exec" 0x01 "64bit", as auditctl writes several -k values.
        let line = syscall(59).replacingOccurrences(of: "key=\"k\"", with: "key=65786563013634626974")
        XCTAssertEqual(try document(line)["tags"], ["exec", "64bit", "auditd_manager-auditd"])
    }

    // MARK: network

    private func sockaddrEvent(syscall number: Int, saddr: String) -> String {
        syscall(number) + "type=SOCKADDR msg=audit(1700000000.250:7): saddr=\(saddr)\n"
    }

    func testIngressSyscallsFillSource() throws {
        let doc = try document(sockaddrEvent(syscall: 43, saddr: "0200E31C4853E6640000000000000000"))  // accept
        XCTAssertEqual(doc["source.ip"], "72.83.230.100")
        XCTAssertEqual(doc["source.port"], 58140)
        XCTAssertEqual(doc["network.direction"], "ingress")
        XCTAssertNil(doc["destination.ip"])
        XCTAssertEqual(doc["event.action"], "accepted-connection-from")
    }

    func testEgressSyscallsFillDestination() throws {
        let doc = try document(sockaddrEvent(syscall: 44, saddr: "0200115C0A0000010000000000000000"))  // sendto
        XCTAssertEqual(doc["destination.ip"], "10.0.0.1")
        XCTAssertEqual(doc["destination.port"], 4444)
        XCTAssertEqual(doc["network.direction"], "egress")
        XCTAssertEqual(doc["auditd.data.socket.port"], 4444)
    }

    func testBindKeepsOnlySocketData() throws {
        let doc = try document(sockaddrEvent(syscall: 49, saddr: "0200115C000000000000000000000000"))  // bind
        XCTAssertEqual(doc["auditd.data.socket.addr"], "0.0.0.0")
        XCTAssertEqual(doc["event.action"], "bound-socket")
        XCTAssertNil(doc["network.direction"])
        XCTAssertNil(doc["source.ip"])
        XCTAssertNil(doc["destination.ip"])
    }

    func testUnixAndAbstractSockets() throws {
        let path = try document(sockaddrEvent(syscall: 42, saddr: "01002F746D702F7300"))
        XCTAssertEqual(path["destination.address"], "/tmp/s")
        XCTAssertEqual(path["auditd.data.socket.path"], "/tmp/s")
        XCTAssertEqual(path["auditd.data.socket.family"], "unix")

        let abstract = try document(sockaddrEvent(syscall: 42, saddr: "0100006162"))
        XCTAssertNil(abstract["destination.address"])
        XCTAssertNil(abstract["auditd.data.socket.path"])
        XCTAssertEqual(abstract["network.direction"], "egress", "set even without a destination (verified in §6.11)")
    }

    func testIPv4MappedIPv6PrintsDottedAndOtherFamiliesKeepRawAddress() throws {
        let mapped = try document(sockaddrEvent(syscall: 42, saddr: "0A0001BB0000000000000000000000000000FFFF0A00000100000000"))
        XCTAssertEqual(mapped["destination.ip"], "10.0.0.1")
        XCTAssertEqual(mapped["auditd.data.socket.family"], "ipv6")

        let alg = try document(sockaddrEvent(syscall: 49, saddr: "26000000736B636970686572"))
        XCTAssertEqual(alg["auditd.data.socket.family"], "38")
        XCTAssertEqual(alg["auditd.data.socket.saddr"], "26000000736B636970686572")
    }

    // MARK: files and user-space records

    func testObjectFileSkipsParentEntries() throws {
        let lines = syscall(87) + """
            type=PATH msg=audit(1700000000.250:7): item=0 name="/tmp/" inode=2 dev=08:01 mode=041777 ouid=0 ogid=0 rdev=00:00 nametype=PARENT
            type=PATH msg=audit(1700000000.250:7): item=1 name="/tmp/x" inode=3 dev=08:01 mode=0104755 ouid=1000 ogid=0 rdev=00:00 nametype=DELETE

            """
        let doc = try document(lines)  // unlink
        XCTAssertEqual(doc["event.action"], "deleted")
        XCTAssertEqual(doc["file.path"], "/tmp/x")
        XCTAssertEqual(doc["file.mode"], "4755")
        XCTAssertEqual(doc["file.owner"], "vagrant")
        XCTAssertEqual(doc["file.group"], "root")
        XCTAssertEqual(doc["auditd.summary.object.primary"], "/tmp/x")
        guard case .array(let paths)? = doc["auditd.paths"] else { return XCTFail("no auditd.paths") }
        XCTAssertEqual(paths.count, 2)
    }

    func testUserSpaceLoginRecord() throws {
        let doc = try document("type=USER_LOGIN msg=audit(1493046015.752:42120): pid=18981 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=\"root\" exe=\"/usr/sbin/sshd\" hostname=? addr=46.160.144.250 terminal=ssh res=failed'\n")
        XCTAssertEqual(doc["event.action"], "logged-in")
        XCTAssertEqual(doc["event.category"], ["authentication"])
        XCTAssertEqual(doc["event.outcome"], "failure")
        XCTAssertEqual(doc["source.ip"], "46.160.144.250")
        XCTAssertEqual(doc["network.direction"], "ingress")
        XCTAssertNil(doc["auditd.data.addr"], "addr moved to source.ip")
        XCTAssertEqual(doc["user.effective.name"], "root")
        XCTAssertEqual(doc["user.effective.id"], "0", "name resolved back to an id")
        XCTAssertNil(doc["user.id"], "the unset login id removes user.id")
        XCTAssertEqual(doc["process.pid"], 18981)
        XCTAssertEqual(doc["process.executable"], "/usr/sbin/sshd")
        XCTAssertEqual(doc["auditd.message_type"], "user_login")
    }
}
