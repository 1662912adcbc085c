import EventModel
import Foundation

/// One entry of an exception item, as Kibana's export writes it (`entries[]`).
indirect enum ExceptionEntry: Sendable, Hashable {
    /// `match`: the field has this value (`match_phrase`: exact, case-sensitive).
    case match(field: String, value: String, excluded: Bool)
    /// `match_any`: the field has one of these values.
    case matchAny(field: String, values: [String], excluded: Bool)
    /// `wildcard`: `*` any run, `?` one character; case-sensitive.
    case wildcard(field: String, pattern: String, excluded: Bool)
    /// `exists`: the field has a non-null value.
    case exists(field: String, excluded: Bool)
    /// `nested`: every inner entry holds on the same object of the array at `field` (inner names are relative).
    case nested(field: String, entries: [ExceptionEntry])
    /// `list`: the field's value is in the value list `list.id` (values read from the file of that name beside the
    /// exception file, see ``ValueList``). `keyword` lists compare exact text; `ip` and `ip_range` lists compare
    /// addresses (single addresses, CIDR blocks, `a-b` ranges).
    case valueList(field: String, list: ValueList, excluded: Bool)

    var field: String {
        switch self {
        case .match(let field, _, _), .matchAny(let field, _, _), .wildcard(let field, _, _), .exists(let field, _),
             .nested(let field, _), .valueList(let field, _, _):
            return field
        }
    }
}

/// One exception item (`type: simple`): it matches an event when all its entries do.
struct ExceptionItem: Sendable, Hashable {
    var itemID: String
    var listID: String
    var name: String
    var entries: [ExceptionEntry]
    /// When non-empty, the item applies only on these OSes (auspex runs on `linux`).
    var osTypes: [String]
    /// Nanoseconds since the epoch after which the item no longer applies.
    var expireTime: Int64?
    var file: String
    var location: SourceLocation
}

/// An exception list container with its items.
struct ExceptionList: Sendable, Hashable {
    var listID: String
    var id: String?
    /// `detection`, `rule_default`, `endpoint`, or a Defend artifact type.
    var type: String
    var namespaceType: String
    var name: String
    var file: String
    var location: SourceLocation
    var items: [ExceptionItem] = []
    /// Rule ids this list applies to besides the rules that name it (`meta.auspex_rule_ids` of the container, as
    /// `auspex exception add` writes it; `"*"` = every rule). Kibana keeps `meta` on import and export.
    var ruleScope: [String] = []

    /// True when the list's own scope attaches it to `ruleID`.
    func scopeIncludes(_ ruleID: String) -> Bool {
        ruleScope.contains("*") || ruleScope.contains(ruleID)
    }
}

/// The exception lists read from `[exceptions] paths` (Kibana's NDJSON export format: a container line, item lines,
/// a summary line; several lists per file allowed), by `list_id`.
public struct ExceptionLists: Sendable {
    var lists: [String: ExceptionList] = [:]
    public var diagnostics: [Diagnostic] = []
    public var filesRead = 0
    /// Largest exception or value-list file read (checked on the opened file, like rule files).
    static let maxFileBytes = 16 << 20

    public init() {}

    /// The `list_id`s read, sorted.
    public var listIDs: [String] { lists.keys.sorted() }
    public var itemCount: Int { lists.values.reduce(0) { $0 + $1.items.count } }

    /// Fields an endpoint list item may not use (Kibana's endpoint exception API).
    static let endpointBannedFields: Set<String> = [
        "file.Ext.quarantine_path", "file.Ext.quarantine_result", "process.entity_id", "process.parent.entity_id",
        "process.ancestry",
    ]

    /// Reads files and directories (`*.ndjson` inside, sorted). A missing directory is no error (no exceptions).
    /// `strict`: files, value lists and directories must be trusted like rule files (`[rules] strict_permissions`).
    public static func load(paths: [String], strict: Bool = true) -> ExceptionLists {
        var files: [String] = []
        var result = ExceptionLists()
        var refused: [Diagnostic] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if strict, let failure = TrustedFileReader.checkDirectory(path) {
                    refused.append(.error(path, SourceLocation(line: 1, column: 1), failure.description))
                    continue
                }
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.filter { $0.hasSuffix(".ndjson") }.sorted().map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        var texts: [(String, String)] = []
        for file in files {
            let bytes: [UInt8]
            switch TrustedFileReader.read(file, maxBytes: maxFileBytes, strict: strict) {
            case .success(let read): bytes = read
            case .failure(let failure):
                refused.append(.error(file, SourceLocation(line: 1, column: 1), failure.description))
                continue
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                refused.append(.error(file, SourceLocation(line: 1, column: 1), "file is not valid UTF-8"))
                continue
            }
            texts.append((file, text))
        }
        result = parse(texts, strict: strict)
        result.diagnostics = refused + result.diagnostics
        result.filesRead = texts.count
        return result
    }

    /// Parses exception files given as `(file, text)`; items join their container by `list_id` across files.
    public static func parse(_ files: [(file: String, text: String)], strict: Bool = true) -> ExceptionLists {
        var result = ExceptionLists()
        var items: [ExceptionItem] = []
        for (file, text) in files {
            var parser = LineParser(file: file, strict: strict)
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                parser.parse(String(line), number: index + 1)
            }
            for list in parser.lists {
                if let existing = result.lists[list.listID] {
                    result.diagnostics.append(.error(file, list.location,
                        "exception list '\(list.listID)' is also defined at \(existing.file):\(existing.location.line)"))
                    continue
                }
                result.lists[list.listID] = list
            }
            items += parser.items
            result.diagnostics += parser.diagnostics
        }
        for item in items {
            guard var list = result.lists[item.listID] else {
                result.diagnostics.append(.error(item.file, item.location,
                    "item '\(item.itemID)' belongs to list '\(item.listID)', which no exception file defines"))
                continue
            }
            if list.items.contains(where: { $0.itemID == item.itemID }) {
                result.diagnostics.append(.warning(item.file, item.location,
                    "item '\(item.itemID)' appears twice in list '\(item.listID)'; both apply"))
            }
            if list.type == "endpoint" || list.type.hasPrefix("endpoint_") {
                var bad = false
                for entry in item.entries.flatMap(Self.flattened) {
                    if case .match(_, _, true) = entry { bad = true }
                    if case .matchAny(_, _, true) = entry { bad = true }
                    if case .wildcard(_, _, true) = entry { bad = true }
                    if case .exists(_, true) = entry { bad = true }
                    if case .valueList = entry { bad = true }
                    if endpointBannedFields.contains(entry.field) {
                        result.diagnostics.append(.error(item.file, item.location,
                            "endpoint list item '\(item.itemID)' may not use field '\(entry.field)'"))
                        bad = true
                    }
                }
                if bad {
                    result.diagnostics.append(.error(item.file, item.location,
                        "endpoint list item '\(item.itemID)' may not use the excluded operator, value lists or banned fields; item ignored"))
                    continue
                }
            }
            list.items.append(item)
            result.lists[item.listID] = list
        }
        return result
    }

    static func flattened(_ entry: ExceptionEntry) -> [ExceptionEntry] {
        if case .nested(_, let inner) = entry { return inner }
        return [entry]
    }
}

/// Reads one file's lines: tells containers, items and the export summary apart by their keys.
private struct LineParser {
    let file: String
    var lists: [ExceptionList] = []
    var items: [ExceptionItem] = []
    var diagnostics: [Diagnostic] = []
    private var lineText = ""
    private var lineNumber = 0

    /// Value lists are read with the trust rule of their exception file.
    let strict: Bool

    init(file: String, strict: Bool) {
        self.file = file
        self.strict = strict
    }

    /// The location of `"key"` (or of `text`) on the current line; column 1 when not found.
    func location(of key: String? = nil, text: String? = nil) -> SourceLocation {
        let needle = key.map { "\"\($0)\"" } ?? text ?? ""
        guard !needle.isEmpty, let range = lineText.range(of: needle) else { return SourceLocation(line: lineNumber, column: 1) }
        return SourceLocation(line: lineNumber, column: lineText.distance(from: lineText.startIndex, to: range.lowerBound) + 1)
    }

    mutating func error(_ message: String, key: String? = nil, text: String? = nil) {
        diagnostics.append(.error(file, location(of: key, text: text), message))
    }

    mutating func warning(_ message: String, key: String? = nil, text: String? = nil) {
        diagnostics.append(.warning(file, location(of: key, text: text), message))
    }

    mutating func parse(_ line: String, number: Int) {
        lineText = line
        lineNumber = number
        guard line.contains(where: { !$0.isWhitespace }) else { return }
        let value: FieldValue
        do {
            value = try JSONReader.parse(line)
        } catch let error as JSONReader.ParseError {
            let column = String(decoding: Array(line.utf8).prefix(error.offset), as: UTF8.self).count + 1
            diagnostics.append(.error(file, SourceLocation(line: number, column: column), "invalid JSON: \(error.message)"))
            return
        } catch {
            diagnostics.append(.error(file, SourceLocation(line: number, column: 1), "invalid JSON: \(error)"))
            return
        }
        guard case .object = value else { return error("expected a JSON object per line") }
        if value["exported_exception_list_count"] != nil || value["exported_exception_list_id"] != nil { return }
        if value["item_id"] != nil || value["entries"] != nil {
            if let item = item(value) { items.append(item) }
        } else if value["list_id"] != nil {
            if let list = container(value) { lists.append(list) }
        } else {
            error("neither an exception list (list_id), an item (item_id, entries) nor an export summary")
        }
    }

    private mutating func string(_ object: FieldValue, _ key: String, required: Bool = true) -> String? {
        guard let value = object[key], !value.isNull else {
            if required { error("missing '\(key)'") }
            return nil
        }
        guard let text = value.stringValue else {
            error("'\(key)' must be a string", key: key)
            return nil
        }
        return text
    }

    private mutating func strings(_ object: FieldValue, _ key: String) -> [String]? {
        guard let value = object[key], !value.isNull else { return nil }
        guard case .array(let items) = value, items.allSatisfy({ $0.stringValue != nil }) else {
            error("'\(key)' must be an array of strings", key: key)
            return nil
        }
        return items.compactMap(\.stringValue)
    }

    private mutating func container(_ object: FieldValue) -> ExceptionList? {
        guard let listID = string(object, "list_id") else { return nil }
        let type = string(object, "type", required: false) ?? "detection"
        let known = ["detection", "rule_default", "endpoint", "endpoint_trusted_apps", "endpoint_trusted_devices",
                     "endpoint_events", "endpoint_host_isolation_exceptions", "endpoint_blocklists",
                     "endpoint_custom_yara_signatures"]
        if !known.contains(type) { error("unknown list type '\(type)'", key: "type") }
        if type.hasPrefix("endpoint_") {
            warning("list '\(listID)' is a Defend artifact (\(type)), applied by Elastic Defend on hosts; auspex uses it like any list",
                    key: "type")
        }
        let namespace = string(object, "namespace_type", required: false) ?? "single"
        if namespace != "single" && namespace != "agnostic" {
            error("'namespace_type' must be \"single\" or \"agnostic\", found \"\(namespace)\"", key: "namespace_type")
        }
        var list = ExceptionList(listID: listID, id: string(object, "id", required: false), type: type,
                                 namespaceType: namespace, name: string(object, "name", required: false) ?? listID,
                                 file: file, location: SourceLocation(line: lineNumber, column: 1))
        if let meta = object["meta"], !meta.isNull {
            guard case .object = meta else {
                error("'meta' must be an object", key: "meta")
                return list
            }
            if let scope = meta["auspex_rule_ids"], !scope.isNull {
                if case .array(let ids) = scope, ids.allSatisfy({ ($0.stringValue ?? "").isEmpty == false }) {
                    list.ruleScope = ids.compactMap(\.stringValue)
                } else {
                    error("'meta.auspex_rule_ids' must be an array of rule ids (or \"*\")", key: "auspex_rule_ids")
                }
            }
        }
        return list
    }

    private mutating func item(_ object: FieldValue) -> ExceptionItem? {
        guard let itemID = string(object, "item_id"), let listID = string(object, "list_id") else { return nil }
        if let type = string(object, "type", required: false), type != "simple" {
            error("item type must be \"simple\", found \"\(type)\"", key: "type")
        }
        guard case .array(let rawEntries)? = object["entries"], !rawEntries.isEmpty else {
            error("'entries' must be a non-empty array", key: "entries")
            return nil
        }
        var entries: [ExceptionEntry] = []
        var valid = true
        for raw in rawEntries {
            switch entry(raw, nested: false) {
            case .some(.some(let parsed)): entries.append(parsed)
            case .some(.none): valid = false   // an error was reported
            case .none: return nil             // a value-list entry: the item cannot be applied (warned)
            }
        }
        var expire: Int64?
        if let text = string(object, "expire_time", required: false) {
            if let nanoseconds = UTCTime.parseRFC3339(text) {
                expire = nanoseconds
            } else {
                error("'expire_time' must be an ISO 8601 time, found \"\(text)\"", key: "expire_time")
                valid = false
            }
        }
        let osTypes = strings(object, "os_types") ?? []
        for os in osTypes where !["linux", "macos", "windows"].contains(os) {
            error("unknown os type '\(os)'", key: "os_types")
            valid = false
        }
        guard valid else { return nil }
        return ExceptionItem(itemID: itemID, listID: listID, name: string(object, "name", required: false) ?? itemID,
                             entries: entries, osTypes: osTypes, expireTime: expire, file: file,
                             location: SourceLocation(line: lineNumber, column: 1))
    }

    /// nil: a `list` entry Kibana would not apply (warned; the item is not applied); `.some(nil)`: an error; else the entry.
    private mutating func entry(_ raw: FieldValue, nested: Bool) -> ExceptionEntry?? {
        guard case .object = raw, let type = raw["type"]?.stringValue else {
            error("an entry needs a 'type'", key: "entries")
            return .some(nil)
        }
        guard let field = raw["field"]?.stringValue, !field.isEmpty else {
            error("a \(type) entry needs a non-empty 'field'", key: "entries")
            return .some(nil)
        }
        let at = "\"field\":\"\(field)\""
        var excluded = false
        if type != "nested" {
            switch raw["operator"]?.stringValue {
            case "included"?: excluded = false
            case "excluded"?: excluded = true
            default:
                error("entry on '\(field)': 'operator' must be \"included\" or \"excluded\"", text: at)
                return .some(nil)
            }
        }
        switch type {
        case "match", "wildcard":
            guard let value = raw["value"]?.stringValue else {
                error("\(type) entry on '\(field)' needs a string 'value'", text: at)
                return .some(nil)
            }
            if type == "match" { return .some(.match(field: field, value: value, excluded: excluded)) }
            return .some(.wildcard(field: field, pattern: value, excluded: excluded))
        case "match_any":
            guard case .array(let values)? = raw["value"], !values.isEmpty, values.allSatisfy({ $0.stringValue != nil }) else {
                error("match_any entry on '\(field)' needs a non-empty array of strings as 'value'", text: at)
                return .some(nil)
            }
            return .some(.matchAny(field: field, values: values.compactMap(\.stringValue), excluded: excluded))
        case "exists":
            if raw["value"] != nil { error("exists entry on '\(field)' takes no 'value'", text: at); return .some(nil) }
            return .some(.exists(field: field, excluded: excluded))
        case "list":
            if nested { error("a nested entry cannot contain a list entry", text: at); return .some(nil) }
            if raw["value"] != nil { error("list entry on '\(field)' takes no 'value'", text: at); return .some(nil) }
            guard let reference = raw["list"], case .object = reference, let id = reference["id"]?.stringValue,
                  let listType = reference["type"]?.stringValue else {
                error("list entry on '\(field)' needs 'list': {\"id\": …, \"type\": …}", text: at)
                return .some(nil)
            }
            switch ValueList.load(id: id, type: listType, besideFile: file, strict: strict) {
            case .success(let list):
                return .some(.valueList(field: field, list: list, excluded: excluded))
            case .failure(.notApplied(let reason)):
                // Kibana's EQL rules skip such lists with a warning, and so does auspex.
                warning("entry on '\(field)': \(reason); the item is not applied", text: at)
                return nil
            case .failure(.invalid(let reason)):
                error("entry on '\(field)': \(reason)", text: at)
                return .some(nil)
            }
        case "nested":
            if nested { error("nested entries cannot be nested again", text: at); return .some(nil) }
            guard case .array(let inner)? = raw["entries"], !inner.isEmpty else {
                error("nested entry on '\(field)' needs a non-empty 'entries' array", text: at)
                return .some(nil)
            }
            var parsed: [ExceptionEntry] = []
            for element in inner {
                guard case .some(.some(let entry)) = entry(element, nested: true) else { return .some(nil) }
                if case .wildcard = entry {
                    error("nested entry on '\(field)' may contain only match, match_any and exists", text: at)
                    return .some(nil)
                }
                parsed.append(entry)
            }
            return .some(.nested(field: field, entries: parsed))
        default:
            error("unknown entry type '\(type)' (expected match, match_any, wildcard, exists, list or nested)", text: at)
            return .some(nil)
        }
    }
}
