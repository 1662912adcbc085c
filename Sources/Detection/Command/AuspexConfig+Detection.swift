import Foundation
import EQL
import Events
import Rules

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
                                        matcherLimits: matcherLimits,
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
