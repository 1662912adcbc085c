@testable import AuditRecords
import XCTest
@testable import AuditNetlink

/// Framing of netlink datagrams into (type, payload) messages, over hand-built byte buffers.
final class NetlinkFramingTests: XCTestCase {
    /// A netlink message: 16-byte header (len, type, flags, seq, port id; little-endian) + payload,
    /// padded to 4 bytes when `pad` is set. `length` overrides nlmsg_len.
    private func message(type: UInt16, _ payload: [UInt8], length: UInt32? = nil, pad: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        func put32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        put32(length ?? UInt32(16 + payload.count))
        withUnsafeBytes(of: type.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [0, 0])
        put32(0)
        put32(0)
        bytes.append(contentsOf: payload)
        while pad && bytes.count % 4 != 0 { bytes.append(0) }
        return bytes
    }

    private let syscall = Array("audit(1700000000.100:1001): arch=c000003e syscall=59 pid=4300".utf8)

    func testMulticastMessageWithFullLength() {
        let framed = NetlinkFraming.messages(in: message(type: 1300, syscall))
        XCTAssertEqual(framed.count, 1)
        XCTAssertEqual(framed.first?.type, 1300)
        XCTAssertEqual(framed.first?.payload, syscall)
    }

    func testUnicastQuirkWhereLengthCountsOnlyThePayload() {
        let framed = NetlinkFraming.messages(in: message(type: 1300, syscall, length: UInt32(syscall.count)))
        XCTAssertEqual(framed.map(\.payload), [syscall])
        // Also for a payload shorter than a header, where the length field is below 16.
        let eoe = Array("audit(1:2): ".utf8).prefix(9).map { $0 }
        let short = NetlinkFraming.messages(in: message(type: 1320, eoe, length: UInt32(eoe.count)))
        XCTAssertEqual(short.map(\.payload), [eoe])
    }

    func testSeveralMessagesWithAlignmentPadding() {
        let first = Array("abcde".utf8) // 21 bytes with header: 3 bytes of padding follow
        let datagram = message(type: 1305, first, pad: true) + message(type: 1300, syscall, pad: true)
        let framed = NetlinkFraming.messages(in: datagram)
        XCTAssertEqual(framed.map(\.type), [1305, 1300])
        XCTAssertEqual(framed.map(\.payload), [first, syscall])
    }

    func testControlMessagesAreSkipped() {
        let ack = message(type: 2 /* NLMSG_ERROR */, [UInt8](repeating: 0, count: 20))
        let done = message(type: 3 /* NLMSG_DONE */, [0, 0, 0, 0])
        let framed = NetlinkFraming.messages(in: ack + done + message(type: 1300, syscall))
        XCTAssertEqual(framed.map(\.type), [1300])
        XCTAssertEqual(framed.first?.payload, syscall)
    }

    func testBrokenLengthsNeverReadPastTheDatagram() {
        // A length beyond the datagram: the rest of the datagram is the payload.
        XCTAssertEqual(NetlinkFraming.messages(in: message(type: 1300, syscall, length: 60_000)).map(\.payload), [syscall])
        // Fewer bytes than a header: nothing.
        XCTAssertTrue(NetlinkFraming.messages(in: Array(message(type: 1300, syscall).prefix(10))).isEmpty)
        XCTAssertTrue(NetlinkFraming.messages(in: []).isEmpty)
    }

    func testFramedPayloadParsesAsAnAuditRecord() throws {
        let framed = try XCTUnwrap(NetlinkFraming.messages(in: message(type: 1300, syscall, length: UInt32(syscall.count))).first)
        let record = try AuditParser.parseNetlink(type: framed.type, payload: framed.payload).get()
        XCTAssertEqual(record.serial, 1001)
        XCTAssertEqual(record.timestamp.seconds, 1_700_000_000)
        XCTAssertEqual(record.type, AuditRecordType(1300))
    }
}
