import EventModel

/// Builds the one-line reason of an alert and escapes untrusted text for it.
///
/// Example: `Potential Reverse Shell via UDP (medium, risk 47): /usr/bin/python3 pid 4300 user vagrant
/// args "python3 -c 'import socket'" connected to 10.1.2.3:53 on web-1 [3 events]` (one line).
/// Process names, arguments and paths come from whoever started the process, so every value is escaped
/// (no control, line-separator or bidi characters survive) and bounded; the whole line never exceeds
/// `ReasonLine.maxBytes`.
public enum ReasonLine {
    /// Upper bound of the whole line in UTF-8 bytes.
    static let maxBytes = 1024
    static let maxValueBytes = 200
    static let maxArgsBytes = 300

    static func build(rule: AlertRule, events: [Document], host: Document) -> String {
        func value(_ name: String) -> String? {
            Alert.firstValue(of: name, in: events).flatMap(text(of:))
        }
        var line = escape(rule.name, limit: maxValueBytes) + " (\(rule.severity.rawValue), risk \(rule.riskScore)):"
        if let what = value("process.executable") ?? value("process.name") {
            line += " " + escape(what, limit: maxValueBytes)
        }
        if let pid = value("process.pid") { line += " pid " + escape(pid, limit: 24) }
        if let user = value("user.name") {
            line += " user " + escape(user, limit: 64)
        } else if let uid = value("user.id") {
            line += " uid " + escape(uid, limit: 24)
        }
        if case .array(let args)? = Alert.firstValue(of: "process.args", in: events), !args.isEmpty {
            // Escape each argument first, then quote: the quotes we add are the only unescaped ones.
            let rendered = args.compactMap(text(of:)).map { quotedIfNeeded(escape($0, limit: maxArgsBytes)) }
            line += " args " + truncate(rendered.joined(separator: " "), limit: maxArgsBytes)
        }
        if let ip = value("destination.ip") {
            let address = ip.contains(":") ? "[" + ip + "]" : ip
            let port = value("destination.port").map { ":" + $0 } ?? ""
            line += " connected to " + escape(address + port, limit: 80)
        }
        if let hostName = host["name"].flatMap(text(of:)) ?? host["hostname"].flatMap(text(of:))
            ?? host["id"].flatMap(text(of:))
        {
            line += " on " + escape(hostName, limit: 64)
        }
        if events.count > 1 { line += " [\(events.count) events]" }
        return truncate(line, limit: maxBytes)
    }

    /// The scalar text of a value (strings as they are, numbers in decimal), nil for arrays, objects and null.
    public static func text(of value: FieldValue) -> String? {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): return b ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }

    private static func quotedIfNeeded(_ arg: String) -> String {
        guard arg.isEmpty || arg.contains(where: { $0 == " " || $0 == "\"" }) else { return arg }
        return "\"" + arg.replacingAll("\"", with: "\\\"") + "\""
    }

    /// Escapes `text` for a single printable line and bounds it to `limit` UTF-8 bytes (then appends `…`).
    /// `\n`, `\r`, `\t` and `\\` keep their C spelling; other C0/C1 controls and DEL become `\xNN`;
    /// line/paragraph separators, bidirectional controls and zero-width characters become `\u{NNNN}` so a name
    /// cannot reorder, hide or split what an operator sees.
    public static func escape(_ text: String, limit: Int) -> String {
        var out = ""
        var bytes = 0
        for scalar in text.unicodeScalars {
            let piece = escaped(scalar)
            let size = piece.utf8.count
            if bytes + size > limit {
                out += "…"
                return out
            }
            out += piece
            bytes += size
        }
        return out
    }

    /// A backslash doubled (so an escape in the text cannot pass for ours), every scalar `UntrustedText.mustEscape`
    /// names written as its escape (controls, separators, bidi and zero-width characters), the rest as it is.
    private static func escaped(_ scalar: Unicode.Scalar) -> String {
        if scalar == "\\" { return "\\\\" }
        return UntrustedText.mustEscape(scalar) ? UntrustedText.escape(scalar) : String(scalar)
    }

    /// Cuts at a scalar boundary so the line stays valid UTF-8 and within `limit` bytes.
    private static func truncate(_ line: String, limit: Int) -> String {
        guard line.utf8.count > limit else { return line }
        var out = ""
        var bytes = 0
        let ellipsis = "…".utf8.count
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if bytes + size > limit - ellipsis { break }
            out.unicodeScalars.append(scalar)
            bytes += size
        }
        return out + "…"
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
