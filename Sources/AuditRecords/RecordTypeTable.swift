/// Audit record type numbers ↔ names.
enum RecordTypeTable {
    static let entries: [(UInt16, String)] = [
        (1006, "LOGIN"), (1300, "SYSCALL"), (1302, "PATH"), (1306, "SOCKADDR"), (1307, "CWD"), (1309, "EXECVE"),
        (1320, "EOE"), (1327, "PROCTITLE"),
    ]

    static func name(for number: UInt16) -> String? {
        entries.first { $0.0 == number }?.1
    }

    static func number(forName name: ArraySlice<UInt8>) -> UInt16? {
        entries.first { equalsIgnoringCase(name, $0.1) }?.0
    }

    static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ name: String) -> Bool {
        var name = name
        return name.withUTF8 { wanted in
            guard wanted.count == bytes.count else { return false }
            var i = bytes.startIndex
            for w in wanted {
                var b = bytes[i]
                if b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") { b -= 32 }
                if b != w { return false }
                i += 1
            }
            return true
        }
    }
}
