import Foundation

/// `auspex exception add` against a configuration: where the item goes, the warnings `auspex check` would give about
/// it, and the write.
extension ExceptionListWriter {
    /// The file an item goes to: `list` when given, else `auspex-local.ndjson` in the first `[exceptions] paths`
    /// directory; nil when neither names one. Trailing slashes are dropped.
    public static func target(list: String?, config: AuspexConfig) -> String? {
        if let list { return clean(list) }
        guard let directory = config.exceptions.paths.first(where: { !$0.hasSuffix(".ndjson") }) else { return nil }
        return clean(directory) + "/" + defaultFileName
    }

    /// Appends `item` to `target` (after its list's container line when no exception file read with it defines the
    /// list yet). `warn` hears, in order: a field the audit source never produces (`producible` says which it does),
    /// a rule id no rule in `[rules] paths` has, exceptions being disabled, a target auspex does not read, errors in
    /// the exception files. Returns the new item's id and its list's id; throws when the file cannot be written.
    public static func add(_ item: Item, to target: String, config: AuspexConfig, producible: (String) -> Bool,
                           warn: (String) -> Void) throws -> (itemID: String, listID: String) {
        let settings = config.exceptions
        let baseField = item.field.hasSuffix(".caseless") ? String(item.field.dropLast(9)) : item.field
        if !producible(baseField) {
            warn("warning: the audit source never produces '\(baseField)'; the item "
                + (item.excluded ? "holds for every event" : "never matches"))
        }
        var ruleName: String?
        if case .rule(let rule) = item.scope {
            let rules = RuleLoader(strictPermissions: config.rules.strictPermissions).load(paths: config.rules.paths).rules
            ruleName = rules.first { $0.ruleID == rule }?.name
            if ruleName == nil {
                warn("warning: no rule in [rules] paths has the id '\(rule)'; the item applies once one does")
            }
        }
        if !settings.enabled { warn("warning: [exceptions] enabled is false; no exception applies") }
        let covered = settings.paths.contains { path in
            clean(path) == target || ((target as NSString).deletingLastPathComponent == clean(path) && target.hasSuffix(".ndjson"))
        }
        if !covered {
            warn("warning: \(target) is not read by auspex: it is not in [exceptions] paths "
                + "(or not a *.ndjson file in one of its directories)")
        }

        // The files read with the target: the container line is written only when none defines the list yet.
        var existing = ExceptionLists.load(paths: settings.paths + (covered ? [] : [target]))
        existing.diagnostics = existing.diagnostics.filter { $0.severity == .error }
        if !existing.diagnostics.isEmpty {
            warn("warning: the exception files have errors (see auspex check); adding the item anyway")
        }
        return (try add(item, ruleName: ruleName, to: target, existing: existing), item.scope.listID)
    }

    private static func clean(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
