@testable import AuditRecords
import XCTest

final class ValueDecodingTests: XCTestCase {
    func testHexEncodedUntrustedStringsAreDecoded() throws {
        let record = try parse("type=SYSCALL msg=audit(1.000:1): comm=7079 7468 exe=2F7573722F62696E2F707974686F6E322E373B3538643163636662202864656C6574656429 a0=10 a1=2F").record()
        XCTAssertEqual(record["exe"]?.string, "/usr/bin/python2.7;58d1ccfb (deleted)")
        XCTAssertEqual(record["exe"]?.isHexEncoded, true)
        XCTAssertEqual(record["comm"]?.string, "py")
        // SYSCALL a0..a3 are register values, never hex-decoded.
        XCTAssertEqual(record["a0"]?.string, "10")
        XCTAssertEqual(record["a1"]?.string, "2F")
        XCTAssertEqual(record["a1"]?.hexUInt, 0x2f)
    }

    func testQuotedHexLookingValuesStayVerbatim() throws {
        let record = try parse(#"type=CWD msg=audit(1.000:1): cwd="ABCD""#).record()
        XCTAssertEqual(record["cwd"]?.string, "ABCD")
        XCTAssertEqual(record["cwd"]?.isHexEncoded, false)
    }

    func testInvalidHexFallsBackToRawText() throws {
        let record = try parse("type=PATH msg=audit(1.000:1): name=ABC name2=GG cwd=abcd").record()
        XCTAssertEqual(record["name"]?.string, "ABC")  // odd length
        XCTAssertEqual(record["cwd"]?.string, "abcd")  // the kernel writes upper-case hex only
    }

    func testNonUTF8DecodedBytesAreKeptAndTextIsRepaired() throws {
        let record = try parse("type=PATH msg=audit(1.000:1): name=2FFF00").record()
        XCTAssertEqual(record["name"]?.decodedBytes, [0x2f, 0xff, 0x00])
        XCTAssertEqual(record["name"]?.string, "/\u{FFFD}\u{0}")
    }

    /// `decodedText` writes the string straight from the record: it must read as `decodedBytes` does, with NULs
    /// shown as spaces (trailing ones dropped) when asked, and cut after that.
    func testDecodedTextMatchesDecodedBytes() throws {
        let record = try parse(#"type=PROCTITLE msg=audit(1.000:1): proctitle=2FFF00610000 name="a b" cwd=00"#).record()
        let proctitle = try XCTUnwrap(record["proctitle"])
        XCTAssertEqual(proctitle.decodedText(limit: 100).text, String(decoding: proctitle.decodedBytes, as: UTF8.self))
        XCTAssertEqual(proctitle.decodedText(limit: 100, nulAsSpace: true).text, "/\u{FFFD} a")
        XCTAssertEqual(proctitle.decodedText(limit: 100, nulAsSpace: true).wasCut, false)
        XCTAssertEqual(proctitle.decodedText(limit: 2, nulAsSpace: true).text, "/\u{FFFD}")
        XCTAssertEqual(proctitle.decodedText(limit: 2, nulAsSpace: true).wasCut, true)
        XCTAssertEqual(try XCTUnwrap(record["name"]).decodedText(limit: 2).text, "a ")
        XCTAssertEqual(try XCTUnwrap(record["name"]).decodedText(limit: 2).wasCut, true)
        XCTAssertEqual(try XCTUnwrap(record["cwd"]).decodedText(limit: 9, nulAsSpace: true).text, "")
    }

    /// The branch-free decoder used on validated hex agrees with the general one on every byte.
    func testValidatedHexDecodingAgreesWithDecode() {
        let digits = Array("0123456789ABCDEF".utf8)
        let hex = (0...255).flatMap { [digits[$0 >> 4], digits[$0 & 0xF]] }
        XCTAssertTrue(Hex.isEncodedString(hex[...]))
        var out = [UInt8](repeating: 0, count: 256)
        hex.withUnsafeBufferPointer { source in out.withUnsafeMutableBufferPointer { Hex.decodeValidated(source, into: $0) } }
        XCTAssertEqual(out, Hex.decode(hex[...]))
        XCTAssertEqual(out, Array(0...255))
    }

    /// The branch-free digit check accepts exactly `0-9A-F`, in pairs.
    func testEncodedStringDigits() {
        let digits = Set("0123456789ABCDEF".utf8)
        for byte in UInt8.min...UInt8.max {
            XCTAssertEqual(Hex.isEncodedString([byte, UInt8(ascii: "A")][...]), digits.contains(byte), "\(byte)")
            XCTAssertEqual(Hex.isEncodedString([UInt8(ascii: "0"), byte][...]), digits.contains(byte), "\(byte)")
        }
        XCTAssertFalse(Hex.isEncodedString([UInt8]()[...]))
        XCTAssertFalse(Hex.isEncodedString(Array("ABC".utf8)[...]))
    }

    /// Values are made into strings by copying their bytes: the text must be what `String(decoding:)` makes,
    /// invalid UTF-8 repaired alike, short (inline) and long.
    func testBorrowedTextMatchesStringDecoding() {
        let samples: [[UInt8]] = [[], Array("0".utf8), Array("/usr/bin/python3.11".utf8), [0x2F, 0xFF, 0x00, 0x61],
                                  [0xE2, 0x82], Array("héllo wörld, quite a bit longer than fifteen bytes".utf8),
                                  [0xED, 0xA0, 0x80] + Array(repeating: 0x41, count: 20)]
        for bytes in samples {
            let text = bytes.withUnsafeBufferPointer { BorrowedValue.text($0) }
            XCTAssertEqual(Array(text.utf8), Array(String(decoding: bytes, as: UTF8.self).utf8), "\(bytes)")
        }
    }

    func testMissingMarkers() throws {
        let record = try parse(#"type=USER_AUTH msg=audit(1.000:1): a=(null) b=? c="?" d="" e=(none) f=x"#).record()
        for key in ["a", "b", "c", "d"] { XCTAssertEqual(record[key]?.isMissing, true, key) }
        XCTAssertEqual(record["e"]?.isMissing, false, "tty=(none) is kept, as go-libaudit does")
        XCTAssertEqual(record["f"]?.isMissing, false)
    }

    func testIntegers() throws {
        let record = try parse("type=SYSCALL msg=audit(1.000:1): auid=4294967295 exit=-9223372036854775808 big=99999999999999999999 neg=-1 x=12a").record()
        XCTAssertEqual(record["auid"]?.uint, 4_294_967_295)
        XCTAssertEqual(record["auid"]?.int, 4_294_967_295)
        XCTAssertEqual(record["exit"]?.int, Int64.min)
        XCTAssertNil(record["big"]?.int)
        XCTAssertNil(record["big"]?.uint)
        XCTAssertEqual(record["neg"]?.int, -1)
        XCTAssertNil(record["neg"]?.uint)
        XCTAssertNil(record["x"]?.int)
        XCTAssertEqual(record["x"]?.hexUInt, 0x12a)
    }

    func testRawEqualsComparesWithoutDecoding() throws {
        let record = try parse("type=SYSCALL msg=audit(1.000:1): a1=802").record()
        XCTAssertEqual(record["a1"]?.rawEquals("802"), true)
        XCTAssertEqual(record["a1"]?.rawEquals("80"), false)
    }
}

final class TableTests: XCTestCase {
    func testRecordTypesBothDirections() {
        let known: [(UInt16, String)] = [(1006, "LOGIN"), (1300, "SYSCALL"), (1309, "EXECVE"), (1320, "EOE"),
                                         (1327, "PROCTITLE"), (1112, "USER_LOGIN"), (1336, "URINGOP"), (2100, "ANOM_LOGIN_FAILURES"),
                                         (1400, "AVC"), (1325, "NETFILTER_CFG"), (1005, "USER")]
        for (number, name) in known {
            XCTAssertEqual(AuditRecordType(number).name, name)
            XCTAssertEqual(AuditRecordType(name: name)?.rawValue, number, name)
            XCTAssertEqual(AuditRecordType(name: name.lowercased())?.rawValue, number, name)
        }
        XCTAssertEqual(AuditRecordType(1999).name, "UNKNOWN[1999]")
        XCTAssertEqual(AuditRecordType(65535).name, "UNKNOWN[65535]")
        XCTAssertEqual(AuditRecordType(name: "UNKNOWN[1334]")?.rawValue, 1334)
        XCTAssertNil(AuditRecordType(name: "UNKNOWN[70000]"))
        XCTAssertNil(AuditRecordType(name: "SYSCALLX"))
        XCTAssertNil(AuditRecordType(name: ""))
    }

    func testEveryNamedTypeRoundTrips() {
        var named = 0
        for number in UInt16(1000)...UInt16(2999) where !AuditRecordType(number).name.hasPrefix("UNKNOWN[") {
            named += 1
            XCTAssertEqual(AuditRecordType(name: AuditRecordType(number).name)?.rawValue, number)
        }
        XCTAssertGreaterThan(named, 200)
    }

    func testUserSpaceClassification() {
        XCTAssertTrue(AuditRecordType.userLogin.isUserSpace)
        XCTAssertTrue(AuditRecordType(2100).isUserSpace)
        XCTAssertFalse(AuditRecordType.login.isUserSpace, "AUDIT_LOGIN 1006 is emitted by the kernel inside a syscall")
        XCTAssertFalse(AuditRecordType.syscall.isUserSpace)
        XCTAssertFalse(AuditRecordType.proctitle.isUserSpace)
    }

    func testSyscallNamesPerArch() {
        let expected: [(AuditArch, Int, String)] = [
            (.x86_64, 41, "socket"), (.x86_64, 42, "connect"), (.x86_64, 59, "execve"), (.x86_64, 112, "setsid"),
            (.x86_64, 322, "execveat"), (.x86_64, 435, "clone3"), (.x86_64, 0, "read"),
            (.aarch64, 198, "socket"), (.aarch64, 203, "connect"), (.aarch64, 221, "execve"), (.aarch64, 157, "setsid"),
            (.aarch64, 281, "execveat"), (.aarch64, 56, "openat"),
            (.i386, 102, "socketcall"), (.i386, 11, "execve"), (.i386, 359, "socket"), (.i386, 362, "connect"),
        ]
        for (arch, number, name) in expected { XCTAssertEqual(arch.syscallName(number), name, "\(arch) \(number)") }
        XCTAssertNil(AuditArch.x86_64.syscallName(100_000))
        XCTAssertNil(AuditArch.x86_64.syscallName(-1))
        XCTAssertNil(AuditArch.aarch64.syscallName(244), "244…259 are reserved for arch-specific calls, unused on arm64")
        XCTAssertEqual(AuditArch.aarch64.syscallName(2), "io_submit")
    }

    func testArchNames() throws {
        XCTAssertEqual(AuditArch.x86_64.name, "x86_64")
        XCTAssertEqual(AuditArch.i386.name, "i386")
        XCTAssertEqual(AuditArch.aarch64.name, "aarch64")
        XCTAssertEqual(AuditArch(rawValue: 0xc000_0015).name, "ppc64le")
        XCTAssertEqual(AuditArch(rawValue: 0x8000_0016).name, "s390x")
        XCTAssertNil(AuditArch(rawValue: 0x1234).name)
        // The name lookup (an open-addressed table) finds every entry of the generated table, and nothing else.
        for entry in ArchTable.entries { XCTAssertEqual(AuditArch(rawValue: entry.value).name, entry.name) }
        let known = Set(ArchTable.entries.map(\.value))
        for value in (0..<4096).map({ UInt32($0) << 20 | UInt32($0) }) where !known.contains(value) {
            XCTAssertNil(AuditArch(rawValue: value).name, String(value, radix: 16))
        }
        XCTAssertTrue(AuditArch.x86_64.isLittleEndian && AuditArch.x86_64.is64Bit)
        XCTAssertFalse(AuditArch(rawValue: 0x8000_0015).isLittleEndian)
        let record = try parse("type=SYSCALL msg=audit(1.000:1): arch=c00000b7").record()
        XCTAssertEqual(try XCTUnwrap(record["arch"]).hexUInt, 0xc000_00b7)
        XCTAssertEqual(AuditArch(try XCTUnwrap(record["arch"])), .aarch64)
    }

    func testExitNames() {
        XCTAssertEqual(AuditExit.name(-115), "EINPROGRESS")
        XCTAssertEqual(AuditExit.name(-13), "EACCES")
        XCTAssertEqual(AuditExit.name(-2), "ENOENT")
        XCTAssertEqual(AuditExit.name(-11), "EAGAIN")
        XCTAssertEqual(AuditExit.name(-133), "EHWPOISON")
        XCTAssertEqual(AuditExit.name(-134), "-134")
        XCTAssertEqual(AuditExit.name(-512), "-512")
        XCTAssertEqual(AuditExit.name(0), "0")
        XCTAssertEqual(AuditExit.name(4301), "4301")
        XCTAssertEqual(AuditExit.name(Int64.min), String(Int64.min))
        XCTAssertEqual(AuditExit.errnoName(1), "EPERM")
        XCTAssertNil(AuditExit.errnoName(0))
    }

    func testSocketcallOperations() {
        XCTAssertEqual(SocketCall.name(1), "socket")
        XCTAssertEqual(SocketCall.name(3), "connect")
        XCTAssertEqual(SocketCall.name(20), "sendmmsg")
        XCTAssertNil(SocketCall.name(0))
        XCTAssertNil(SocketCall.name(21))
    }
}
