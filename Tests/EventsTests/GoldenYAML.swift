import Foundation

/// A reader for the small YAML files of go-libaudit's aucoalesce tests, nothing more:
/// ```
/// ---
/// tests:
///   name: |          (literal block: lines kept)
///     type=SYSCALL msg=…
///   other name: >    (folded block: lines joined by spaces)
///     …
/// ```
/// Comments (`#`) at the key level and blank lines between entries are skipped.
enum GoldenYAML {
    struct ParseError: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "YAML line \(line): \(message)" }
    }

    /// The `tests:` entries in file order: name → block text (lines joined by `\n` or, folded, by spaces).
    static func tests(_ text: String) throws -> [(name: String, body: String)] {
        var result: [(name: String, body: String)] = []
        var current: (name: String, folded: Bool, lines: [String])?
        func finish() {
            guard let entry = current else { return }
            result.append((entry.name, entry.lines.joined(separator: entry.folded ? " " : "\n")))
            current = nil
        }
        var sawTests = false
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine)
            if line.hasPrefix("    ") {
                guard current != nil else { throw ParseError(line: number + 1, message: "block text outside an entry") }
                current!.lines.append(String(line.dropFirst(4)))
                continue
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed == "---" || trimmed.hasPrefix("#") { continue }
            if trimmed == "tests:" { sawTests = true; continue }
            guard sawTests, line.hasPrefix("  "), trimmed.hasSuffix(": |") || trimmed.hasSuffix(": >") else {
                throw ParseError(line: number + 1, message: "unexpected line \(line)")
            }
            finish()
            current = (String(trimmed.dropLast(3)), trimmed.hasSuffix(">"), [])
        }
        finish()
        return result
    }
}
