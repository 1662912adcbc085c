/// The configuration a command runs with: auspex.toml (or the defaults), then `--set` overrides, then the
/// command's own flags.
public struct ResolvedConfiguration: Sendable {
    public var config: AuspexConfig
    /// File problems and bad overrides; errors mean the configuration must not be used.
    public var diagnostics: [Diagnostic]
    /// The file read, or nil when none existed and the defaults apply.
    public var file: String?

    public var hasErrors: Bool { diagnostics.containsErrors }

    /// Reads `path` (the default path when nil). An explicitly named file must exist; the default one may not.
    public static func load(path: String?, overrides: [String] = []) -> ResolvedConfiguration {
        let file = path ?? AuspexConfig.defaultPath
        let result = ConfigLoader.load(path: file)
        var resolved = ResolvedConfiguration(config: result.config, diagnostics: result.diagnostics,
                                             file: result.fileFound ? file : nil)
        if path != nil, !result.fileFound {
            resolved.diagnostics.append(.error(file, SourceLocation(line: 1, column: 1), "no such configuration file"))
        }
        for override in overrides {
            do {
                try resolved.config.applyOverride(override)
            } catch {
                resolved.diagnostics.append(.error("--set", SourceLocation(line: 1, column: 1), error.message))
            }
        }
        return resolved
    }
}
