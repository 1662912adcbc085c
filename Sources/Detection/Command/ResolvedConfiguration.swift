import Foundation
import EQL
import Events
import Rules

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

extension AuspexConfig {
    /// The host identity: `[host]` values, else the machine id file and the kernel host name.
    public var hostInfo: HostInfo {
        let current = HostInfo.current()
        let id = host.id ?? Self.firstLine(ofFile: host.machineIDPath) ?? current.id
        return HostInfo(id: id, name: host.name ?? current.name)
    }

    /// Pipeline bounds from `[audit]` and `[engine]`.
    public var pipelineSettings: PipelineSettings {
        var settings = PipelineSettings(host: hostInfo,
                                        matcherLimits: MatcherLimits(capacity: engine.maxSequencesPerRule,
                                                                     maxSamplesPerKey: engine.maxSamplesPerKey),
                                        maxEventsInFlight: audit.maxEventsInFlight,
                                        reassemblyTimeoutNanos: Int64(audit.reassemblyTimeoutMilliseconds) * 1_000_000)
        settings.maxProcesses = engine.maxProcesses
        return settings
    }

    /// Rules from `paths` with the `[exceptions]` lists attached (none when disabled).
    public func loadRules(paths: [String]? = nil) -> RuleSetLoad {
        let rulePaths = paths ?? rules.paths
        guard exceptions.enabled else { return RuleSet.load(paths: rulePaths, strictPermissions: rules.strictPermissions) }
        return RuleSet.load(paths: rulePaths, strictPermissions: rules.strictPermissions,
                            exceptionPaths: exceptions.paths, attachToAllRules: exceptions.attachToAllRules,
                            attachToRules: exceptions.attachToRules)
    }

    private static func firstLine(ofFile path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return line.isEmpty ? nil : line
    }
}
