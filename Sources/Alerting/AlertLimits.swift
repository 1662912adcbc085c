import EventModel

/// Size bounds of one alert (`[alerts]` in auspex.toml). Arguments, command lines and paths come from whoever
/// started a process, so an alert copies at most `maxFieldBytes` of any string and `maxArrayElements` of any array,
/// and the whole JSON document stays under `maxAlertBytes` — which also keeps `AUSPEX_ALERT_JSON` a small, valid
/// UTF-8 journal field.
public struct AlertLimits: Hashable, Sendable {
    /// The whole JSON document, in bytes (default 64 KiB).
    var maxAlertBytes: Int
    /// One string value copied into the alert, in UTF-8 bytes.
    var maxFieldBytes: Int
    /// Elements kept of one array (process.args, …).
    var maxArrayElements: Int

    /// The smallest per-value cap tried before events are left out.
    static let minimumFieldBytes = 64
    /// Entries listed in `auspex.alert.truncated` (`truncated_count` has the total).
    static let maxTruncationEntries = 32
    static let minimumAlertBytes = 8192

    public init(maxAlertBytes: Int = 65_536, maxFieldBytes: Int = 4096, maxArrayElements: Int = 64) {
        self.maxAlertBytes = max(maxAlertBytes, Self.minimumAlertBytes)
        self.maxFieldBytes = max(maxFieldBytes, Self.minimumFieldBytes)
        self.maxArrayElements = max(maxArrayElements, 1)
    }

    /// The alert with its values cut to these limits: strings to `maxFieldBytes` (at a UTF-8 scalar boundary,
    /// with a marker `…[cut: N bytes]` naming the original size), arrays to `maxArrayElements`, each cut listed in
    /// `truncations`. When the document is still larger than `maxAlertBytes`, the per-value cap is halved until it
    /// fits; failing that, matched events are left out from the last one (`eventsOmitted`).
    func bound(_ alert: Alert) -> Alert {
        var fieldCap = maxFieldBytes
        while true {
            var bounded = cut(alert, fieldCap: fieldCap)
            bounded.encodedBytes = Self.size(of: bounded)
            if bounded.encodedBytes <= maxAlertBytes { return bounded }
            if fieldCap <= Self.minimumFieldBytes {
                while bounded.events.count > 0 && bounded.encodedBytes > maxAlertBytes {
                    bounded.events.removeLast()
                    bounded.eventsOmitted += 1
                    bounded.encodedBytes = Self.size(of: bounded)
                }
                return bounded
            }
            fieldCap = max(fieldCap / 2, Self.minimumFieldBytes)
        }
    }

    static func size(of alert: Alert) -> Int {
        var bytes: [UInt8] = []
        JSONWriter.write(alert.document, to: &bytes)
        return bytes.count
    }

    private func cut(_ alert: Alert, fieldCap: Int) -> Alert {
        var cutter = Cutter(fieldCap: fieldCap, maxElements: maxArrayElements)
        var bounded = alert
        bounded.events = alert.events.enumerated().map { index, event in
            cutter.cut(event, path: "events[\(index)].")
        }
        bounded.joinKeys = alert.joinKeys.enumerated().map { index, key in
            cutter.cut(key, path: "auspex.alert.join_keys[\(index)]")
        }
        bounded.host = cutter.cut(alert.host, path: "host.")
        bounded.rule.name = cutter.cut(string: alert.rule.name, path: "rule.name", cap: min(fieldCap, 1024))
        bounded.rule.description = cutter.cut(string: alert.rule.description, path: "rule.description", cap: fieldCap)
        bounded.rule.references = Array(alert.rule.references.prefix(1)).map {
            cutter.cut(string: $0, path: "rule.reference", cap: min(fieldCap, 1024))
        }
        bounded.rule.tags = alert.rule.tags.prefix(maxArrayElements).map {
            cutter.cut(string: $0, path: "rule.tags", cap: min(fieldCap, 256))
        }
        bounded.rule.author = alert.rule.author.prefix(maxArrayElements).map {
            cutter.cut(string: $0, path: "rule.author", cap: min(fieldCap, 256))
        }
        bounded.truncations = alert.truncations + cutter.truncations
        return bounded
    }
}

extension Alert {
    /// One value cut to fit an alert: the field (`events[0].process.args[3]`) and its original and kept size
    /// (bytes for strings, elements for arrays).
    struct Truncation: Hashable, Sendable {
        var field: String
        var originalBytes: Int?
        var keptBytes: Int?
        var originalElements: Int?
        var keptElements: Int?

        var fieldValue: FieldValue {
            var entries: [FieldValue.ObjectEntry] = [.init("field", .string(field))]
            if let originalBytes { entries.append(.init("original_bytes", .int(Int64(originalBytes)))) }
            if let keptBytes { entries.append(.init("kept_bytes", .int(Int64(keptBytes)))) }
            if let originalElements { entries.append(.init("original_elements", .int(Int64(originalElements)))) }
            if let keptElements { entries.append(.init("kept_elements", .int(Int64(keptElements)))) }
            return .object(entries)
        }
    }
}

/// Walks values, cutting strings and arrays and recording what it cut.
private struct Cutter {
    let fieldCap: Int
    let maxElements: Int
    var truncations: [Alert.Truncation] = []

    mutating func cut(_ document: Document, path prefix: String) -> Document {
        var out = Document()
        for field in document.fields {
            out.append(field.name, cut(field.value, path: prefix + field.name))
        }
        return out
    }

    mutating func cut(_ value: FieldValue, path: String) -> FieldValue {
        switch value {
        case .string(let text):
            return .string(cut(string: text, path: path, cap: fieldCap))
        case .array(let items):
            var kept = items
            if items.count > maxElements {
                kept = Array(items.prefix(maxElements))
                truncations.append(.init(field: path, originalElements: items.count, keptElements: maxElements))
            }
            return .array(kept.enumerated().map { cut($1, path: path + "[\($0)]") })
        case .object(let entries):
            return .object(entries.map { .init($0.key, cut($0.value, path: path + "." + $0.key)) })
        default:
            return value
        }
    }

    /// `text` when it fits `cap` UTF-8 bytes; else its longest scalar-aligned prefix that leaves room for the
    /// marker `…[cut: <original> bytes]`, marker included (so the result is at most `cap` bytes, valid UTF-8).
    mutating func cut(string text: String, path: String, cap: Int) -> String {
        let size = text.utf8.count
        guard size > cap else { return text }
        let marker = "…[cut: \(size) bytes]"
        let room = max(cap - marker.utf8.count, 0)
        var kept = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            let width = UTF8.width(scalar)
            if bytes + width > room { break }
            kept.append(scalar)
            bytes += width
        }
        truncations.append(.init(field: path, originalBytes: size, keptBytes: bytes))
        return String(kept) + marker
    }
}
