import Alerting

/// What reading one rule file produced.
public enum RuleFileOutcome: Sendable, Hashable {
    case loaded(LoadedRule)
    /// A valid rule of a type the daemon does not run (`query`, `new_terms`, `threshold`, `esql`, `machine_learning`…).
    case skipped(type: String)
    /// The file has errors; they are in the diagnostics.
    case failed
}

/// Reads one elastic/detection-rules TOML file into a ``LoadedRule``, collecting every problem it finds.
enum RuleFileParser {
    /// Rule files are a few kilobytes; anything far larger is not a rule and is refused before parsing.
    static let maximumFileBytes = 1 << 20

    static func parse(text: String, file: String) -> (RuleFileOutcome, [Diagnostic]) {
        if text.utf8.count > maximumFileBytes {
            return (.failed, [.error(file, SourceLocation(line: 1, column: 1),
                                     "file is larger than \(maximumFileBytes) bytes; not a rule file")])
        }
        let root: TOMLTable
        var reader: TOMLFieldReader
        switch TOMLText.read(text, file: file) {
        case .success(let parsed): root = parsed.root; reader = parsed.reader
        case .failure(let diagnostic): return (.failed, [diagnostic])
        }
        guard root["rule"] != nil else {
            reader.error(at: "", "missing required table [rule]")
            return (.failed, reader.diagnostics)
        }
        guard let rule = reader.table(root, "rule", in: ""),
              let type = reader.string(rule, "type", in: "rule", required: true)
        else { return (.failed, reader.diagnostics) }
        guard type == "eql" else {
            reader.warning(at: "rule.type", "skipping rule of type '\(type)': only EQL rules run in auspex")
            return (.skipped(type: type), reader.diagnostics)
        }

        let loaded = readEQLRule(rule, root: root, file: file, reader: &reader)
        if let loaded, !reader.diagnostics.containsErrors { return (.loaded(loaded), reader.diagnostics) }
        return (.failed, reader.diagnostics)
    }

    private static func readEQLRule(_ rule: TOMLTable, root: TOMLTable, file: String,
                                    reader: inout TOMLFieldReader) -> LoadedRule? {
        let ruleID = reader.string(rule, "rule_id", in: "rule", required: true)
        let name = reader.string(rule, "name", in: "rule", required: true)
        let description = reader.string(rule, "description", in: "rule", required: true)
        let severityText = reader.string(rule, "severity", in: "rule", required: true)
        let riskScore = reader.int(rule, "risk_score", in: "rule", required: true)
        let language = reader.string(rule, "language", in: "rule", required: true)
        let query = reader.string(rule, "query", in: "rule", required: true)
        let index = reader.strings(rule, "index", in: "rule") ?? []
        let from = reader.string(rule, "from", in: "rule")
        let interval = reader.string(rule, "interval", in: "rule")
        let tags = reader.strings(rule, "tags", in: "rule") ?? []
        let references = reader.strings(rule, "references", in: "rule") ?? []
        let falsePositives = reader.strings(rule, "false_positives", in: "rule") ?? []
        let note = reader.string(rule, "note", in: "rule")
        let setup = reader.string(rule, "setup", in: "rule")
        let author = reader.strings(rule, "author", in: "rule") ?? []
        let license = reader.string(rule, "license", in: "rule")
        let version = reader.int(rule, "version", in: "rule")
        let maxSignals = reader.int(rule, "max_signals", in: "rule")
        let timestampOverride = reader.string(rule, "timestamp_override", in: "rule")
        let buildingBlockType = reader.string(rule, "building_block_type", in: "rule")
        let threat = readThreat(rule, reader: &reader)
        let metadata = readMetadata(root, reader: &reader)

        if let ruleID, ruleID.trimmingSpaces.isEmpty { reader.error(at: "rule.rule_id", "'rule.rule_id' is empty") }
        if let name, name.trimmingSpaces.isEmpty { reader.error(at: "rule.name", "'rule.name' is empty") }
        if let query, query.trimmingSpaces.isEmpty { reader.error(at: "rule.query", "'rule.query' is empty") }
        if let language, language != "eql" {
            reader.error(at: "rule.language", "an eql rule must have language \"eql\", found \"\(language)\"")
        }
        var severity: RuleSeverity?
        if let severityText {
            severity = RuleSeverity(rawValue: severityText)
            if severity == nil {
                reader.error(at: "rule.severity",
                             "'rule.severity' must be one of low, medium, high, critical; found \"\(severityText)\"")
            }
        }
        if let riskScore, !(0...100).contains(riskScore) {
            reader.error(at: "rule.risk_score", "'rule.risk_score' must be between 0 and 100, found \(riskScore)")
        }
        var lookback = RuleDefaults.lookbackSeconds
        if let from {
            if let seconds = RuleDuration.lookbackSeconds(ofFrom: from), seconds <= RuleDefaults.maximumLookbackSeconds {
                lookback = seconds
            } else {
                reader.error(at: "rule.from", "'rule.from' must look like \"now-9m\" (units s, m, h, d, w; at most 7 days), found \"\(from)\"")
            }
        }
        var intervalSeconds = RuleDefaults.intervalSeconds
        if let interval {
            if let seconds = RuleDuration.seconds(ofSpan: interval) {
                intervalSeconds = seconds
            } else {
                reader.error(at: "rule.interval", "'rule.interval' must look like \"5m\" (units s, m, h, d, w), found \"\(interval)\"")
            }
        }

        let suppression = AlertSuppressionReader.read(rule, intervalSeconds: intervalSeconds, reader: &reader)
        var exceptionLists: [String] = []
        for (reference, path) in reader.tables(rule, "exceptions_list", in: "rule") {
            if let listID = reader.string(reference, "list_id", in: path, required: true) { exceptionLists.append(listID) }
        }

        guard let ruleID, let name, let description, let severity, let riskScore, let language, let query else { return nil }
        let literal = reader.locator.keys["rule.query"]?.isLiteralString ?? false
        var loaded = LoadedRule(
            file: file, ruleID: ruleID, ruleIDLocation: reader.locator.location(of: "rule.rule_id"), name: name, description: description, severity: severity, riskScore: riskScore,
            type: "eql", language: language, query: query,
            queryLocation: reader.locator.stringContentStart(of: "rule.query") ?? reader.locator.location(of: "rule.query"),
            queryIsLiteral: literal, index: index, lookbackSeconds: lookback, intervalSeconds: intervalSeconds,
            tags: tags, references: references, falsePositives: falsePositives, note: note, setup: setup, author: author,
            license: license, version: version, maxSignals: maxSignals, timestampOverride: timestampOverride,
            buildingBlockType: buildingBlockType, threat: threat, metadata: metadata)
        loaded.alertSuppression = suppression
        loaded.exceptionLists = exceptionLists
        return loaded
    }

    private static func readThreat(_ rule: TOMLTable, reader: inout TOMLFieldReader) -> [AlertRule.Threat] {
        var mappings: [AlertRule.Threat] = []
        for (threat, path) in reader.tables(rule, "threat", in: "rule") {
            let framework = reader.string(threat, "framework", in: path, required: true)
            let tactic = reader.table(threat, "tactic", in: path, required: true)
                .flatMap { readEntry($0, in: path + ".tactic", reader: &reader) }
            var techniques: [AlertRule.Technique] = []
            for (technique, techniquePath) in reader.tables(threat, "technique", in: path) {
                guard let entry = readEntry(technique, in: techniquePath, reader: &reader) else { continue }
                var subtechniques: [AlertRule.Reference] = []
                for (sub, subPath) in reader.tables(technique, "subtechnique", in: techniquePath) {
                    if let subEntry = readEntry(sub, in: subPath, reader: &reader) { subtechniques.append(subEntry) }
                }
                techniques.append(.init(entry, subtechniques: subtechniques))
            }
            if let framework, let tactic {
                mappings.append(AlertRule.Threat(framework: framework, tactic: tactic, techniques: techniques))
            }
        }
        return mappings
    }

    private static func readEntry(_ table: TOMLTable, in path: String, reader: inout TOMLFieldReader) -> AlertRule.Reference? {
        let id = reader.string(table, "id", in: path, required: true)
        let name = reader.string(table, "name", in: path, required: true)
        let reference = reader.string(table, "reference", in: path)
        guard let id, let name else { return nil }
        return AlertRule.Reference(id: id, name: name, reference: reference)
    }

    private static func readMetadata(_ root: TOMLTable, reader: inout TOMLFieldReader) -> RuleMetadata {
        guard let metadata = reader.table(root, "metadata", in: "") else { return RuleMetadata() }
        return RuleMetadata(
            creationDate: reader.string(metadata, "creation_date", in: "metadata"),
            updatedDate: reader.string(metadata, "updated_date", in: "metadata"),
            deprecationDate: reader.string(metadata, "deprecation_date", in: "metadata"),
            maturity: reader.string(metadata, "maturity", in: "metadata"),
            integration: reader.strings(metadata, "integration", in: "metadata") ?? [],
            minStackVersion: reader.string(metadata, "min_stack_version", in: "metadata"))
    }
}

extension String {
    var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }
}
