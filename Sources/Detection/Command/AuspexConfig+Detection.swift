import EQL
import Events
import Rules

extension AuspexConfig {
    /// The host identity: what `[host]` gives, else the system's (machine id and kernel host name).
    public var hostInfo: HostInfo {
        HostInfo.current(id: hostID, name: hostName)
    }

    /// Pipeline bounds from `[audit]` and `[engine]`; `liveProcesses` for the running system (see `PipelineSettings`).
    public func pipelineSettings(liveProcesses: Bool = false) -> PipelineSettings {
        PipelineSettings(host: hostInfo, matcherLimits: matcherLimits, maxEventsInFlight: maxEventsInFlight,
                         reassemblyTimeoutNanos: reassemblyTimeoutNanos, maxProcesses: maxProcesses,
                         liveProcesses: liveProcesses)
    }

    /// Rules from `paths` with the `[exceptions]` lists attached (none when disabled).
    public func loadRules(paths: [String]? = nil) -> RuleSetLoad {
        let paths = paths ?? rulePaths
        guard let exceptionPaths else { return RuleSet.load(paths: paths, strictPermissions: strictRulePermissions) }
        return RuleSet.load(paths: paths, strictPermissions: strictRulePermissions,
                            exceptionPaths: exceptionPaths, attachToAllRules: attachToAllRules,
                            attachToRules: attachToRules)
    }
}
