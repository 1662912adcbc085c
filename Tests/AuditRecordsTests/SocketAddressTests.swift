@testable import AuditRecords
import XCTest

final class SocketAddressTests: XCTestCase {
    private func decode(_ hex: String) throws -> SocketAddress {
        let record = try parse("type=SOCKADDR msg=audit(1.000:1): saddr=\(hex)").record()
        return try XCTUnwrap(SocketAddress(saddr: try XCTUnwrap(record["saddr"])))
    }

    func testInet() throws {
        let address = try decode("02000050A9FEA9FE0000000000000000")
        XCTAssertEqual(address, .inet(address: "169.254.169.254", port: 80))
        XCTAssertEqual(address.familyName, "ipv4")
        XCTAssertEqual(address.address, "169.254.169.254")
        XCTAssertEqual(address.port, 80)
        XCTAssertNil(address.path)
    }

    func testDottedQuadsWriteEveryOctetWidth() {
        for octets: [UInt8] in [[0, 0, 0, 0], [9, 10, 99, 100], [255, 254, 199, 1], [192, 0, 2, 2]] {
            XCTAssertEqual(SocketAddressDecoder.dottedQuad(octets[0], octets[1], octets[2], octets[3]),
                           octets.map(String.init).joined(separator: "."))
        }
    }

    func testInet6() throws {
        XCTAssertEqual(try decode("0A0001BB000000002607F8B0400C0C06000000000000006700000000"),
                       .inet6(address: "2607:f8b0:400c:c06::67", port: 443, flowInfo: 0, scopeID: 0))
        XCTAssertEqual(try decode("0A000016000000000000000000000000000000000000000000000000").address, "::")
        XCTAssertEqual(try decode("0A002BCB000000000000000000000000000000000000000100000000").address, "::1")
        XCTAssertEqual(try decode("0A002BCB00000000FE800000000000000000000000000001").address, "fe80::1")
    }

    func testInet6Formatting() throws {
        // IPv4-mapped: printed as dotted IPv4 (Go net.IP.String()).
        XCTAssertEqual(try decode("0A00115C0000000000000000000000000000FFFF0A00000100000000").address, "10.0.0.1")
        // Longest zero run wins; ties go to the first; a single zero group is not compressed.
        XCTAssertEqual(try decode("0A000000000000000001000000000001000000000000000100000000").address, "1:0:0:1::1")
        XCTAssertEqual(try decode("0A000000000000000001000000000001000000000001000100000000").address, "1::1:0:0:1:1")
        XCTAssertEqual(try decode("0A000000000000000001000000010001000100010001000100000000").address, "1:0:1:1:1:1:1:1")
        XCTAssertEqual(try decode("0A00000000000012" + "20010DB8000000000000000000000000" + "05000000"),
                       .inet6(address: "2001:db8::", port: 0, flowInfo: 0x12, scopeID: 5))
    }

    func testUnix() throws {
        XCTAssertEqual(try decode("01002F7661722F72756E2F646F636B65722E736F636B000000000000000000000000000000"),
                       .unix(path: "/var/run/docker.sock", isAbstract: false))
        XCTAssertEqual(try decode("01002F7661722F72756E2F6E7363642F736F636B65740000603B7B47FC7F0000303C7B47FC").path,
                       "/var/run/nscd/socket", "bytes after the terminating NUL are garbage")
        let abstract = try decode("0100006162630000")
        XCTAssertEqual(abstract, .unix(path: "abc", isAbstract: true))
        XCTAssertTrue(abstract.isAbstract)
        XCTAssertEqual(abstract.familyName, "unix")
        XCTAssertEqual(try decode("0100"), .unix(path: "", isAbstract: false))
    }

    func testNetlinkAndOtherFamilies() throws {
        XCTAssertEqual(try decode("100000000000000000000000"), .netlink(portID: 0, groups: 0))
        XCTAssertEqual(try decode("10000000D204000001000000"), .netlink(portID: 1234, groups: 1))
        let alg = try decode("2600616561640000")
        XCTAssertEqual(alg, .other(family: 38))
        XCTAssertEqual(alg.familyName, "38")
        XCTAssertEqual(try decode("00000000000000000000000000000000").familyName, "0")
        XCTAssertEqual(try decode("0200"), .other(family: 2), "truncated AF_INET")
        XCTAssertEqual(try decode("0A00115C"), .other(family: 10), "truncated AF_INET6")
    }

    func testBigEndianHost() throws {
        // laurel record-bind-ipv4-bigendian.txt (ppc64, arch=80000015): family in host order 00 02.
        XCTAssertEqual(try decode("0002D903000000000000000000000000"), .inet(address: "0.0.0.0", port: 55555))
    }

    func testUndecodable() throws {
        let record = try parse("type=SOCKADDR msg=audit(1.000:1): saddr=XYZ1 s2=02 s3= s4=0A002BCB000").record()
        XCTAssertNil(SocketAddress(saddr: try XCTUnwrap(record["s4"])), "odd digit count")
        XCTAssertNil(SocketAddress(saddr: try XCTUnwrap(record["saddr"])))
        XCTAssertNil(SocketAddress(saddr: try XCTUnwrap(record["s2"])))
        XCTAssertNil(SocketAddress(saddr: try XCTUnwrap(record["s3"])))
        XCTAssertNil(SocketAddress(bytes: []))
    }
}
