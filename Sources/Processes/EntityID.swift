import CSHA256

/// `process.entity_id`: one value per process instance, the same on every event of that instance.
///
/// Derived like Auditbeat's session processor (ecs-mapping.md §3.1) from pid namespace, boot id, pid and start
/// time, but hashed (SHA-256, first 18 bytes, standard base64: 24 characters) so ids are fixed-length and reveal
/// nothing: stable across execve (same task, same start), new after fork (new pid, new start) and after pid reuse
/// (new start), and unique across reboots and hosts (the boot id is random per boot).
enum EntityID {
    /// The id of `pid` started at `startTicks`: SHA-256 of `<pid namespace>__<boot id>__<pid>__<start ticks>`, first
    /// 18 bytes in base64. One per fork and new process: the text is written straight into the digest's padded
    /// blocks and the digest into stack memory (an array for the text, grown append by append, cost ~1.5k
    /// instructions of the ~7k an id took).
    static func make(system: ProcSystemFacts, pid: Int32, startTicks: UInt64) -> String {
        var bootID = system.bootID
        return bootID.withUTF8 { boot in
            let separator = UInt8(ascii: "_")
            let length = decimalCount(system.pidNamespace) + 2 + boot.count + 2 + (pid < 0 ? 1 : 0)
                + decimalCount(UInt64(pid.magnitude)) + 2 + decimalCount(startTicks)
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest in
                SHA256.hash(length: length, into: digest) { text in
                    var at = appendDecimal(system.pidNamespace, to: text, at: 0)
                    for _ in 0..<2 { text[at] = separator; at += 1 }
                    for byte in boot { text[at] = byte; at += 1 }
                    for _ in 0..<2 { text[at] = separator; at += 1 }
                    if pid < 0 { text[at] = UInt8(ascii: "-"); at += 1 }
                    at = appendDecimal(UInt64(pid.magnitude), to: text, at: at)
                    for _ in 0..<2 { text[at] = separator; at += 1 }
                    _ = appendDecimal(startTicks, to: text, at: at)
                }
                return base64(UnsafeBufferPointer(rebasing: digest[0..<18]))
            }
        }
    }

    private static func decimalCount(_ value: UInt64) -> Int {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        return count
    }

    /// Writes `value` in decimal at `start`; returns the index after it.
    private static func appendDecimal(_ value: UInt64, to text: UnsafeMutableBufferPointer<UInt8>, at start: Int) -> Int {
        let end = start + decimalCount(value)
        var rest = value
        var index = end
        repeat {
            index -= 1
            text[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        } while rest > 0
        return end
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Standard base64 with padding.
    static func base64(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.withUnsafeBufferPointer(base64)
    }

    /// Standard base64 with padding, written straight into the string.
    static func base64(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let count = (bytes.count + 2) / 3 * 4
        return alphabet.withUnsafeBufferPointer { alphabet in
            String(unsafeUninitializedCapacity: count) { out in
                var index = 0, written = 0
                while index < bytes.count {
                    let b0 = bytes[index]
                    let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
                    let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
                    let remaining = bytes.count - index
                    out[written] = alphabet[Int(b0 >> 2)]
                    out[written + 1] = alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)]
                    out[written + 2] = remaining > 1 ? alphabet[Int((b1 & 0x0f) << 2 | b2 >> 6)] : UInt8(ascii: "=")
                    out[written + 3] = remaining > 2 ? alphabet[Int(b2 & 0x3f)] : UInt8(ascii: "=")
                    index += 3
                    written += 4
                }
                return written
            }
        }
    }
}

/// FIPS 180-4 SHA-256 (no crypto library is available to the package; ids need a stable, well-known hash).
enum SHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    static func hash(_ message: [UInt8], portable: Bool = false) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { digest, count in
            hash(length: message.count, into: UnsafeMutableBufferPointer(rebasing: digest[0..<32]),
                 portable: portable) { text in
                for (index, byte) in message.enumerated() { text[index] = byte }
            }
            count = 32
        }
    }

    /// Whether this CPU compresses on its SHA extensions (x86-64 with SHA-NI): a tenth of the portable rounds'
    /// instructions. Asked once.
    static let usesCPUExtensions = auspex_sha256_has_cpu_support() != 0

    /// The digest of the `length` bytes `write` puts into the buffer it is given, into `digest` (32 bytes).
    /// `portable` computes it with the portable rounds even where the CPU has the extensions (tests hold the two
    /// equal).
    static func hash(length: Int, into digest: UnsafeMutableBufferPointer<UInt8>, portable: Bool = false,
                     write: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        // Message, 0x80, zeros and the 64-bit length, padded to whole 64-byte blocks.
        let blockCount = (length + 8) / 64 + 1
        // Entity ids hash one per fork and exec: everything runs over stack buffers (no bounds checks, no retains).
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: blockCount * 64) { data in
            write(UnsafeMutableBufferPointer(rebasing: data[0..<length]))
            data[length] = 0x80
            UnsafeMutableBufferPointer(rebasing: data[(length + 1)...]).initialize(repeating: 0)
            let bitLength = UInt64(length) &* 8
            for index in 0..<8 { data[data.count - 1 - index] = UInt8(truncatingIfNeeded: bitLength >> UInt64(index * 8)) }
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 8 + 64) { words in
                let h = UnsafeMutableBufferPointer(rebasing: words[0..<8])
                let w = UnsafeMutableBufferPointer(rebasing: words[8..<72])
                for (index, word) in Self.initialState.enumerated() { h[index] = word }
                let onCPU = usesCPUExtensions && !portable
                k.withUnsafeBufferPointer { k in
                    for block in 0..<blockCount {
                        let bytes = UnsafePointer(data.baseAddress! + block * 64)
                        if onCPU {
                            auspex_sha256_compress(h.baseAddress!, bytes, k.baseAddress!)
                        } else {
                            compress(bytes, k: k, w: w, state: h)
                        }
                    }
                }
                for index in 0..<8 {
                    for byte in 0..<4 { digest[index * 4 + byte] = UInt8(truncatingIfNeeded: h[index] >> UInt32(24 - byte * 8)) }
                }
            }
        }
    }

    private static let initialState: [UInt32] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]

    private static func compress(_ block: UnsafePointer<UInt8>, k: UnsafeBufferPointer<UInt32>,
                                 w: UnsafeMutableBufferPointer<UInt32>, state h: UnsafeMutableBufferPointer<UInt32>) {
        for i in 0..<16 {
            let j = i * 4
            w[i] = UInt32(block[j]) << 24 | UInt32(block[j + 1]) << 16 | UInt32(block[j + 2]) << 8 | UInt32(block[j + 3])
        }
        for i in 16..<64 {
            let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
        // Eight rounds per pass with the variables' roles rotated in the calls, not by moving the values along.
        for i in stride(from: 0, to: 64, by: 8) {
            round(a, b, c, &d, e, f, g, &hh, k[i] &+ w[i])
            round(hh, a, b, &c, d, e, f, &g, k[i + 1] &+ w[i + 1])
            round(g, hh, a, &b, c, d, e, &f, k[i + 2] &+ w[i + 2])
            round(f, g, hh, &a, b, c, d, &e, k[i + 3] &+ w[i + 3])
            round(e, f, g, &hh, a, b, c, &d, k[i + 4] &+ w[i + 4])
            round(d, e, f, &g, hh, a, b, &c, k[i + 5] &+ w[i + 5])
            round(c, d, e, &f, g, hh, a, &b, k[i + 6] &+ w[i + 6])
            round(b, c, d, &e, f, g, hh, &a, k[i + 7] &+ w[i + 7])
        }
        h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d
        h[4] = h[4] &+ e; h[5] = h[5] &+ f; h[6] = h[6] &+ g; h[7] = h[7] &+ hh
    }

    /// One round: `d` takes the new `e`, `h` the new `a` (the caller rotates the roles).
    @inline(__always)
    private static func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                              _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ roundInput: UInt32) {
        let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
        let choice = g ^ (e & (f ^ g))  // (e & f) ^ (~e & g)
        let t1 = h &+ s1 &+ choice &+ roundInput
        let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
        let majority = (a & b) | (c & (a | b))  // (a & b) ^ (a & c) ^ (b & c)
        d = d &+ t1
        h = t1 &+ s0 &+ majority
    }

    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { x >> n | x << (32 - n) }
}
