import XCTest
@testable import AuditNetlink
#if canImport(Glibc)
import Glibc
#endif

/// A datagram socket pair standing in for the kernel's audit socket: tests send netlink messages on `peer`, and
/// `reader` receives them through the real receive path.
final class FakeKernelSocket {
    let peer: Int32
    let reader: AuditReader

    init(slots: UInt32 = 8) throws {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0, &pair) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        peer = pair[1]
        reader = try AuditReader(socket: AuditSocket(adopting: pair[0]), slots: slots)
    }

    deinit { close(peer) }

    /// Sends one datagram holding one netlink message; `quirk` writes the unicast-style length (payload only).
    func send(type: UInt16, _ payload: [UInt8], quirk: Bool = false,
              file: StaticString = #filePath, line: UInt = #line) {
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt32(quirk ? payload.count : 16 + payload.count).littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: type.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8](repeating: 0, count: 10))
        bytes.append(contentsOf: payload)
        XCTAssertEqual(bytes.withUnsafeBytes { Glibc.send(peer, $0.baseAddress, $0.count, 0) }, bytes.count,
                       file: file, line: line)
    }
}
