import Foundation

/// The `[rule] query` and lookback of each detection-rules TOML file, by a minimal extraction
/// (enough for the benchmark; the Rules module has the real loader).
struct CorpusRule {
    var file: String
    var query: String
    /// The rule's lookback (`from = "now-9m"`) in nanoseconds, used as the state window.
    var lookback: Int64

    static func load(directory: URL) throws -> [CorpusRule] {
        var rules: [CorpusRule] = []
        for sub in ["", "_deprecated"] {
            let dir = sub.isEmpty ? directory : directory.appendingPathComponent(sub)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".toml") {
                let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
                if let query = ruleQuery(text) {
                    rules.append(CorpusRule(file: (sub.isEmpty ? "" : sub + "/") + name, query: query,
                                            lookback: lookback(text) ?? 9 * 60 * 1_000_000_000))
                }
            }
        }
        return rules
    }

    /// The `query = '''…'''` (or `"…"`) string inside the `[rule]` table.
    static func ruleQuery(_ text: String) -> String? {
        guard let ruleStart = text.range(of: "\n[rule]\n") else { return nil }
        var body = text[ruleStart.upperBound...]
        if let next = body.range(of: "\n[") { body = body[..<next.lowerBound] }
        for quote in ["'''", "\"\"\""] {
            if let open = body.range(of: "\nquery = \(quote)"),
               let close = body[open.upperBound...].range(of: quote) {
                return String(body[open.upperBound..<close.lowerBound])
            }
        }
        if let open = body.range(of: "\nquery = \""), let close = body[open.upperBound...].range(of: "\"\n") {
            return String(body[open.upperBound..<close.lowerBound]).replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }

    /// `from = "now-<N><unit>"` → nanoseconds.
    static func lookback(_ text: String) -> Int64? {
        guard let range = text.range(of: "\nfrom = \"now-") else { return nil }
        let rest = text[range.upperBound...].prefix { $0 != "\"" }
        guard let unit = rest.last, let amount = Int64(rest.dropLast()) else { return nil }
        let seconds: Int64 = ["s": 1, "m": 60, "h": 3600, "d": 86_400][String(unit)] ?? 60
        return amount * seconds * 1_000_000_000
    }
}
