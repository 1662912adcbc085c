import FuzzTargets
#if canImport(Glibc)
import Glibc
#endif

// Built two ways:
// * `make fuzz` (-sanitize=fuzzer,address -DAUSPEX_LIBFUZZER): libFuzzer's main drives LLVMFuzzerTestOneInput;
//   the target is chosen by AUSPEX_FUZZ_TARGET (audit-log, eql, rule-toml, exceptions).
// * a normal build: `auspex-fuzz TARGET FILE...` runs saved inputs (a reproducer) once each, without libFuzzer.

#if AUSPEX_LIBFUZZER
/// The target named by AUSPEX_FUZZ_TARGET, read once.
let selectedTarget: FuzzTarget = {
    let name = getenv("AUSPEX_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        complain("auspex-fuzz: set AUSPEX_FUZZ_TARGET to one of: \(names)")
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    // One empty input first: one-time set-up (statics) happens here, not inside the first measured input.
    selectedTarget.run([UInt8]())
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selectedTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}
#else
@main
struct ReproducerRunner {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name), arguments.count > 1 else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            complain("usage: auspex-fuzz \(names) FILE...  (runs each saved input once; `make fuzz` fuzzes)")
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let file = fopen(path, "rb") else {
                complain("auspex-fuzz: cannot open \(path)")
                exit(1)
            }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = fread(&chunk, 1, chunk.count, file)
                if n == 0 { break }
                bytes += chunk[..<n]
            }
            fclose(file)
            target.run(bytes)
            print("\(path): ok")
        }
    }
}
#endif

/// One line on standard error.
func complain(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
