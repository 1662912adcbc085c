@testable import Processes
import XCTest

final class EntityIDTests: XCTestCase {
    func testSHA256KnownVectors() {
        let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02x", $0) }.joined() }
        XCTAssertEqual(hex(SHA256.hash(Array("abc".utf8))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(hex(SHA256.hash([])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // Two blocks (56 bytes of input push the length into a second block).
        XCTAssertEqual(hex(SHA256.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    /// Where the CPU has SHA extensions the digest is computed on them: both ways hold the known vectors and agree
    /// on messages of every length up to several blocks.
    func testSHA256OnTheCPUExtensionsEqualsThePortableRounds() throws {
        let hex = { (bytes: [UInt8]) in bytes.map { String(format: "%02x", $0) }.joined() }
        for portable in [true, false] {
            XCTAssertEqual(hex(SHA256.hash(Array("abc".utf8), portable: portable)),
                           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
            XCTAssertEqual(hex(SHA256.hash(Array(repeating: UInt8(ascii: "a"), count: 1000), portable: portable)),
                           "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        }
        guard SHA256.usesCPUExtensions else {
            throw XCTSkip("this CPU has no SHA extensions: only the portable rounds run here")
        }
        var generator = SystemRandomNumberGenerator()
        for length in 0..<300 {
            let message = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            XCTAssertEqual(SHA256.hash(message), SHA256.hash(message, portable: true), "\(length) bytes")
        }
    }

    func testBase64Padding() {
        XCTAssertEqual(EntityID.base64(ArraySlice(Array("f".utf8))), "Zg==")
        XCTAssertEqual(EntityID.base64(ArraySlice(Array("fo".utf8))), "Zm8=")
        XCTAssertEqual(EntityID.base64(ArraySlice(Array("foobar".utf8))), "Zm9vYmFy")
    }

    /// The id is SHA-256 of `<pid namespace>__<boot id>__<pid>__<start ticks>`, first 18 bytes in base64 (values
    /// computed with Python's hashlib): ids must not change between releases, or a restart would split processes.
    func testIdsAreTheDocumentedDigest() {
        XCTAssertEqual(EntityID.make(system: ProcSystemFacts(bootID: "b1", pidNamespace: 1, bootTimeNanos: 0),
                                     pid: 42, startTicks: 1000), "sjA0DAFA0PG7W/ezN7qbR94e")
        let boot = "0f6b2f8e-1c2d-4e5f-9a8b-7c6d5e4f3a2b"
        XCTAssertEqual(EntityID.make(system: ProcSystemFacts(bootID: boot, pidNamespace: 4026531836, bootTimeNanos: 0),
                                     pid: .max, startTicks: .max), "3cjyhPkD4O9jmSqpmawPvjVD")
    }

    func testIdentityInputsAllMatter() {
        let system = ProcSystemFacts(bootID: "b1", pidNamespace: 1, bootTimeNanos: 0)
        let id = EntityID.make(system: system, pid: 42, startTicks: 1000)
        XCTAssertEqual(id.count, 24)
        XCTAssertEqual(id, EntityID.make(system: system, pid: 42, startTicks: 1000), "deterministic")
        XCTAssertNotEqual(id, EntityID.make(system: system, pid: 43, startTicks: 1000))
        XCTAssertNotEqual(id, EntityID.make(system: system, pid: 42, startTicks: 1001))
        var otherBoot = system
        otherBoot.bootID = "b2"
        XCTAssertNotEqual(id, EntityID.make(system: otherBoot, pid: 42, startTicks: 1000))
        var otherNamespace = system
        otherNamespace.pidNamespace = 2
        XCTAssertNotEqual(id, EntityID.make(system: otherNamespace, pid: 42, startTicks: 1000))
    }

    func testTicksFromAuditTime() {
        let system = ProcSystemFacts(bootID: "b", pidNamespace: 0, bootTimeNanos: 10_000_000_000, clockTicksPerSecond: 100)
        XCTAssertEqual(system.ticks(atEpochNanos: 12_345_000_000), 234)
        XCTAssertEqual(system.ticks(atEpochNanos: 5_000_000_000), 0, "before boot clamps to 0")
    }

    func testTerminalNamesFromDeviceNumbers() {
        XCTAssertEqual(TTYName.name(ofDevice: 34816 + 7), "pts7")  // major 136
        XCTAssertEqual(TTYName.name(ofDevice: 1025), "tty1")  // major 4, minor 1
        XCTAssertEqual(TTYName.name(ofDevice: 1024 + 64), "ttyS0")
    }
}
