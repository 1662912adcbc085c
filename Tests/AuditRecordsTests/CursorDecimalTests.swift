@testable import AuditRecords
import XCTest

/// `Cursor.decimal` reads eight digits a step while they last: every count of digits, at every distance from
/// the end of the bytes (word steps and the byte loop), with every kind of byte after them, must read as a plain
/// digit-by-digit reading does.
final class CursorDecimalTests: XCTestCase {
    func testEveryDigitCountTerminatorAndTailMatchesADigitByDigitReading() {
        let terminators: [[UInt8]] = [[], Array(":".utf8), Array(".".utf8), Array(")".utf8), [0x2F], [0x3A], [0xB0],
                                      [0xFF], [0x00], Array("a".utf8)]
        for count in 0...21 {
            let number = (0..<count).map { UInt8(ascii: "0") + UInt8(($0 * 7 + 3) % 10) }
            for terminator in terminators {
                for padding in 0...9 {
                    let bytes = number + terminator + Array(repeating: UInt8(ascii: "5"), count: terminator.isEmpty ? 0 : padding)
                    for maxDigits in [9, 10, 18, 19] {
                        let (value, consumed) = read(bytes, maxDigits: maxDigits)
                        let expected = reference(bytes, maxDigits: maxDigits)
                        XCTAssertEqual(value, expected.value, "\(bytes) max \(maxDigits)")
                        XCTAssertEqual(consumed, expected.consumed, "\(bytes) max \(maxDigits)")
                    }
                }
            }
        }
    }

    private func read(_ bytes: [UInt8], maxDigits: Int) -> (UInt64?, Int) {
        bytes.withUnsafeBufferPointer { buffer in
            var cursor = Cursor(bytes: buffer, end: buffer.count)
            let value = cursor.decimal(maxDigits: maxDigits)
            return (value, cursor.position)
        }
    }

    private func reference(_ bytes: [UInt8], maxDigits: Int) -> (value: UInt64?, consumed: Int) {
        var value: UInt64 = 0
        var count = 0
        while count < bytes.count, bytes[count] >= UInt8(ascii: "0"), bytes[count] <= UInt8(ascii: "9") {
            value = value &* 10 &+ UInt64(bytes[count] - UInt8(ascii: "0"))
            count += 1
        }
        return (count > 0 && count <= maxDigits ? value : nil, count)
    }
}
