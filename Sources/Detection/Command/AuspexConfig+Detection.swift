import EQL
import Events
import Rules

extension AuspexConfig {
    /// The host identity: what `[host]` gives, else the system's (machine id and kernel host name).
    public var hostInfo: HostInfo {
        HostInfo.current(id: hostID, name: hostName)
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
}
