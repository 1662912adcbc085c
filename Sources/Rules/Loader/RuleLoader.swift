import Foundation

/// A rule file that holds a valid rule of a type auspex does not run.
struct SkippedRuleFile: Sendable, Hashable {
    var file: String
    var type: String
}

/// Everything one load produced: the rules to compile, the files skipped or rejected, and the diagnostics to print.
public struct RuleLoadReport: Sendable {
    public var rules: [LoadedRule] = []
    var skipped: [SkippedRuleFile] = []
    /// Files that had errors (syntax, missing keys, wrong types, duplicate ids); none of their rules are in `rules`.
    public var failedFiles: [String] = []
    public var diagnostics: [Diagnostic] = []
    /// Rule files examined (directories expanded).
    public var filesRead = 0
    /// Files that hold a valid rule of a type auspex does not run (not EQL).
    public var skippedCount: Int { skipped.count }

    init() {}

    var hasErrors: Bool { diagnostics.containsErrors }

    /// One line for logs and `auspex check`, e.g.
    /// `320 rule files: 318 EQL rules loaded, 2 skipped (esql 1, query 1), 0 failed`.
    var summary: String {
        var byType: [String: Int] = [:]
        for file in skipped { byType[file.type, default: 0] += 1 }
        let types = byType.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "\(filesRead) rule files: \(rules.count) EQL rules loaded, \(skipped.count) skipped"
            + (types.isEmpty ? "" : " (\(types))") + ", \(failedFiles.count) failed"
    }
}

/// Loads elastic/detection-rules TOML files: single files, or directories whose `*.toml` files are read in sorted
/// order (not recursively, like other `*.d` directories). Rule ids must be unique across everything loaded.
public struct RuleLoader: Sendable {
    /// Refuse rule files and directories not owned by root or the daemon's user, or group/world-writable
    /// (`[rules] strict_permissions`, on by default).
    var strictPermissions: Bool

    public init(strictPermissions: Bool = true) {
        self.strictPermissions = strictPermissions
    }

    /// Parses one rule from text; `file` only names it in diagnostics.
    public func parse(text: String, file: String) -> (RuleFileOutcome, [Diagnostic]) {
        RuleFileParser.parse(text: text, file: file)
    }

    /// Reads and parses one rule file.
    func loadFile(atPath path: String) -> (RuleFileOutcome, [Diagnostic]) {
        switch readText(atPath: path) {
        case .success(let text): return parse(text: text, file: path)
        case .failure(let diagnostic): return (.failed, [diagnostic])
        }
    }

    /// Loads files and directories in the order given.
    public func load(paths: [String]) -> RuleLoadReport {
        var report = RuleLoadReport()
        var firstDefinition: [String: LoadedRule] = [:]
        for path in paths {
            let files: [String]
            switch ruleFiles(at: path) {
            case .success(let found): files = found
            case .failure(let diagnostic):
                report.diagnostics.append(diagnostic)
                continue
            }
            for file in files {
                report.filesRead += 1
                let (outcome, diagnostics) = loadFile(atPath: file)
                report.diagnostics += diagnostics
                switch outcome {
                case .loaded(let rule):
                    if let first = firstDefinition[rule.ruleID] {
                        report.diagnostics.append(.error(file, rule.ruleIDLocation,
                            "duplicate rule_id '\(rule.ruleID)': already defined in \(first.file):\(first.ruleIDLocation); this file is ignored"))
                        report.failedFiles.append(file)
                    } else {
                        firstDefinition[rule.ruleID] = rule
                        report.rules.append(rule)
                    }
                case .skipped(let type):
                    report.skipped.append(SkippedRuleFile(file: file, type: type))
                case .failed:
                    report.failedFiles.append(file)
                }
            }
        }
        return report
    }

    private static let origin = SourceLocation(line: 1, column: 1)

    private func ruleFiles(at path: String) -> Result<[String], Diagnostic> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(.error(path, Self.origin, "no such file or directory"))
        }
        if strictPermissions {
            let directory = isDirectory.boolValue ? path : TrustedFileReader.parentDirectory(of: path)
            if let failure = TrustedFileReader.checkDirectory(directory) {
                return .failure(.error(path, Self.origin, isDirectory.boolValue ? failure.description
                                           : "\(failure.description) (\(directory))"))
            }
        }
        guard isDirectory.boolValue else { return .success([path]) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            return .failure(.error(path, Self.origin, "cannot list directory: \(error.localizedDescription)"))
        }
        let base = path.hasSuffix("/") ? path : path + "/"
        let files = names.filter { $0.hasSuffix(".toml") && !$0.hasPrefix(".") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            .map { base + $0 }
            .filter { file in
                var childIsDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: file, isDirectory: &childIsDirectory) && !childIsDirectory.boolValue
            }
        return .success(files)
    }

    private func readText(atPath path: String) -> Result<String, Diagnostic> {
        // The cap is checked on the opened descriptor and at most cap + 1 bytes are read (a symlink to a huge
        // file or a FIFO costs nothing).
        switch TrustedFileReader.read(path, maxBytes: RuleFileParser.maximumFileBytes, strict: strictPermissions) {
        case .failure(.tooLarge(let cap)):
            return .failure(.error(path, Self.origin, "file is larger than \(cap) bytes; not a rule file"))
        case .failure(let failure):
            return .failure(.error(path, Self.origin, failure.description))
        case .success(let bytes):
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return .failure(.error(path, Self.origin, "file is not valid UTF-8"))
            }
            return .success(text)
        }
    }
}
