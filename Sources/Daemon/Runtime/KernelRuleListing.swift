import Foundation

/// Which syscalls the kernel's current audit rules cover, read from `auditctl -l` (multicast mode cannot install
/// rules, so it reports what is missing instead).
enum KernelRuleListing {
    /// Syscall names named in `-S` lists of exit rules, or nil when auditctl is unavailable or fails.
    static func auditedSyscalls() -> Set<String>? {
        guard let path = ["/sbin/auditctl", "/usr/sbin/auditctl"].first(where: FileManager.default.isExecutableFile)
        else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-l"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return syscalls(inListing: String(decoding: data, as: UTF8.self))
    }

    /// Parses auditctl's rule listing: every `-S a,b,c` of an `exit` rule (`-S all` is reported as `all`).
    static func syscalls(inListing text: String) -> Set<String> {
        var names = Set<String>()
        for line in text.split(separator: "\n") where line.contains("exit") {
            let words = line.split(separator: " ")
            for (index, word) in words.enumerated() where word == "-S" && index + 1 < words.count {
                for name in words[index + 1].split(separator: ",") { names.insert(String(name)) }
            }
        }
        return names
    }
}
