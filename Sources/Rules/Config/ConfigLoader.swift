import Foundation

/// The configuration in effect and what was wrong with the file, if anything.
struct ConfigLoadResult: Sendable {
    var config: AuspexConfig
    /// Errors mean the file must not be used: the daemon exits with EX_CONFIG (78) at start and keeps the old
    /// configuration on reload.
    var diagnostics: [Diagnostic]
    /// False when there was no file and the defaults apply.
    var fileFound: Bool
}

/// A bad `--set section.key=value` override.
struct ConfigOverrideError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Reads auspex.toml: known keys are type-checked, unknown keys and sections are errors (a typo must not silently
/// fall back to a default), and each problem is reported with its line and column.
enum ConfigLoader {
    /// Configuration files are small; a larger one is refused unread.
    static let maximumFileBytes = 1 << 20

    static func load(path: String = AuspexConfig.defaultPath) -> ConfigLoadResult {
        guard FileManager.default.fileExists(atPath: path) else {
            return ConfigLoadResult(config: AuspexConfig(), diagnostics: [], fileFound: false)
        }
        let origin = SourceLocation(line: 1, column: 1)
        // Capped on the opened descriptor; the file and its directory must be trusted (always: it is what
        // could relax the rule files' check).
        let data: [UInt8]
        switch TrustedFileReader.read(path, maxBytes: maximumFileBytes, strict: true) {
        case .success(let bytes): data = bytes
        case .failure(let failure):
            return ConfigLoadResult(config: AuspexConfig(), diagnostics: [.error(path, origin, failure.description)], fileFound: true)
        }
        let directory = TrustedFileReader.parentDirectory(of: path)
        if let failure = TrustedFileReader.checkDirectory(directory) {
            return ConfigLoadResult(config: AuspexConfig(), diagnostics: [.error(path, origin, "\(failure.description) (\(directory))")],
                                    fileFound: true)
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return ConfigLoadResult(config: AuspexConfig(), diagnostics: [.error(path, origin, "file is not valid UTF-8")],
                                    fileFound: true)
        }
        return parse(text: text, file: path)
    }

    static func parse(text: String, file: String) -> ConfigLoadResult {
        var config = AuspexConfig()
        let root: TOMLTable
        var reader: TOMLFieldReader
        switch TOMLText.read(text, file: file) {
        case .success(let parsed): root = parsed.root; reader = parsed.reader
        case .failure(let diagnostic): return ConfigLoadResult(config: config, diagnostics: [diagnostic], fileFound: true)
        }
        let sections = ConfigSchema.sections
        for sectionName in root.keys {
            guard sections.contains(sectionName) else {
                let hint = ConfigSchema.suggestion(for: sectionName, among: sections).map { " (did you mean [\($0)]?)" } ?? ""
                reader.error(at: sectionName, "unknown section [\(sectionName)]\(hint)")
                continue
            }
            guard let section = reader.table(root, sectionName, in: "") else { continue }
            let names = ConfigSchema.keys.filter { $0.section == sectionName }.map(\.name)
            for name in section.keys {
                guard let key = ConfigSchema.key(section: sectionName, name: name), let raw = section[name] else {
                    let hint = ConfigSchema.suggestion(for: name, among: names).map { " (did you mean '\($0)'?)" } ?? ""
                    reader.error(at: "\(sectionName).\(name)", "unknown key '\(name)' in [\(sectionName)]\(hint)")
                    continue
                }
                switch value(of: raw, for: key) {
                case .success(let value): key.apply(&config, value)
                case .failure(let error): reader.error(at: key.path, error.message)
                }
            }
        }
        return ConfigLoadResult(config: config, diagnostics: reader.diagnostics, fileFound: true)
    }

    /// Every key auspex.toml accepts, as `section.key`.
    static var knownKeys: [String] { ConfigSchema.keyPaths }

    private static func value(of raw: TOMLValue, for key: ConfigKey) -> Result<ConfigValue, ConfigOverrideError> {
        let mismatch = ConfigOverrideError(message: "'\(key.path)' must be \(key.kind.expectation), found \(raw.typeWithArticle)")
        switch key.kind {
        case .bool:
            guard let bool = raw.bool else { return .failure(mismatch) }
            return .success(.bool(bool))
        case .int:
            guard let int = raw.int else { return .failure(mismatch) }
            return checked(.int(int), for: key)
        case .string, .path, .choice:
            guard let string = raw.string else { return .failure(mismatch) }
            return checked(.string(string), for: key)
        case .paths, .strings:
            guard let array = raw.array else { return .failure(mismatch) }
            var strings: [String] = []
            for element in array {
                guard let string = element.string else { return .failure(mismatch) }
                strings.append(string)
            }
            return checked(.strings(strings), for: key)
        }
    }

    /// Range, choice and path checks shared by the file and by overrides.
    static func checked(_ value: ConfigValue, for key: ConfigKey) -> Result<ConfigValue, ConfigOverrideError> {
        let failure = ConfigOverrideError(message: "'\(key.path)' must be \(key.kind.expectation), found \(value.shown)")
        switch (key.kind, value) {
        case (.int(let range), .int(let int)):
            return range.contains(int) ? .success(value) : .failure(failure)
        case (.choice(let options), .string(let string)):
            return options.contains(string) ? .success(value) : .failure(failure)
        case (.path, .string(let string)):
            return string.hasPrefix("/") ? .success(value) : .failure(failure)
        case (.paths, .strings(let strings)):
            return strings.allSatisfy { $0.hasPrefix("/") } ? .success(value) : .failure(failure)
        default:
            return .success(value)
        }
    }
}

extension ConfigValue {
    var shown: String {
        switch self {
        case .string(let value): return "\"\(value)\""
        case .int(let value): return String(value)
        case .bool(let value): return String(value)
        case .strings(let values): return "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        }
    }
}

extension AuspexConfig {
    /// Applies a command-line override `section.key=value` with the file's checks. Lists are comma-separated
    /// (`rules.paths=/a,/b`); booleans are `true`/`false`.
    mutating func applyOverride(_ assignment: String) throws(ConfigOverrideError) {
        guard let equals = assignment.firstIndex(of: "=") else {
            throw ConfigOverrideError(message: "override '\(assignment)' must look like section.key=value")
        }
        let path = assignment[..<equals]
        let text = String(assignment[assignment.index(after: equals)...])
        guard let dot = path.firstIndex(of: "."),
              let key = ConfigSchema.key(section: String(path[..<dot]), name: String(path[path.index(after: dot)...]))
        else {
            let hint = ConfigSchema.suggestion(for: String(path), among: ConfigSchema.keyPaths).map { " (did you mean '\($0)'?)" } ?? ""
            throw ConfigOverrideError(message: "unknown configuration key '\(path)'\(hint)")
        }
        let value: ConfigValue
        switch key.kind {
        case .bool:
            guard let bool = Bool(text) else {
                throw ConfigOverrideError(message: "'\(key.path)' must be \(key.kind.expectation), found \"\(text)\"")
            }
            value = .bool(bool)
        case .int:
            guard let int = Int(text) else {
                throw ConfigOverrideError(message: "'\(key.path)' must be \(key.kind.expectation), found \"\(text)\"")
            }
            value = .int(int)
        case .paths, .strings:
            value = .strings(text.split(separator: ",").map(String.init))
        case .string, .path, .choice:
            value = .string(text)
        }
        switch ConfigLoader.checked(value, for: key) {
        case .success(let checkedValue): key.apply(&self, checkedValue)
        case .failure(let error): throw error
        }
    }
}
