import Alerting
import AuditNetlink
import Detection
import Foundation
import Processes
import Rules
#if canImport(Glibc)
import Glibc
#endif

/// `auspex run`: the reader thread, the bounded queue, the processing thread and the sinks, driven by a main loop
/// that handles signals (SIGTERM/SIGINT stop, SIGHUP reload), sd_notify and status. Returns the exit status.
public final class LiveDaemon {
    private let options: RunOptions
    private let notifier: ServiceNotifier
    private var config: AuspexConfig
    private var ruleSet: RuleSet
    private var plan: AuditRulePlan
    private let started = MonotonicClock.nanoseconds()
    /// Mode, rule loading, reloads and rates, for the state file and the metrics (main loop only).
    private var facts = DaemonFacts()
    /// The last error writing `[metrics] textfile`, logged once until it changes.
    private var metricsError: String?

    private init(options: RunOptions, config: AuspexConfig, ruleSet: RuleSet, rulesSkipped: Int, notifier: ServiceNotifier) {
        facts.mode = config.auditMode.rawValue
        facts.rulesSkipped = rulesSkipped
        self.options = options
        self.config = config
        self.ruleSet = ruleSet
        self.plan = AuditRulePlan(ruleSet: ruleSet).installable(
            installsRules: config.installsAuditRules, log: LiveDaemon.log)
        self.notifier = notifier
    }

    /// Runs until SIGTERM or SIGINT; returns the process exit status (see `ExitStatus`).
    public static func run(options: RunOptions) -> Int32 { run(options: options, notifier: ServiceNotifier()) }

    static func run(options: RunOptions, notifier: ServiceNotifier) -> Int32 {
        let signals: SignalChannel
        do {
            signals = try SignalChannel() // before any thread starts, so every thread inherits the mask
        } catch {
            log("\(error)")
            return ExitStatus.failure
        }
        let resolved = options.resolve()
        resolved.diagnostics.forEach { log($0.description) }
        if resolved.hasErrors { return ExitStatus.config }
        let load = resolved.config.loadRules()
        load.diagnostics.forEach { log($0.description) }
        if load.hasErrors {
            log("\(load.failedRuleCount) rule(s) failed; fix them (auspex check) before starting")
            return ExitStatus.config
        }
        let daemon = LiveDaemon(options: options, config: resolved.config, ruleSet: load.ruleSet,
                                rulesSkipped: load.report.skippedCount, notifier: notifier)
        return daemon.run(signals: signals)
    }

    private func run(signals: SignalChannel) -> Int32 {
        // Before any thread starts, so that every thread inherits it.
        if let note = Scheduling.apply(nice: config.nice) { Self.log(note) }
        // Sinks first: a spool that cannot be created is a configuration error, found before touching the kernel.
        let sinks: [AlertSink]
        do {
            sinks = try config.alertSinks(terminal: options.terminal)
        } catch {
            Self.log("spool \(config.spoolConfiguration?.directory ?? ""): \(error)")
            return ExitStatus.config
        }
        let session: LiveAuditSession
        do {
            let rules = config.installsAuditRules && plan.needsKernelRules ? plan.auditRuleSet(key: config.auditRuleKey) : nil
            session = try LiveAuditSession(multicast: config.auditMode == .multicast, rules: rules,
                                           receiveBufferBytes: config.receiveBufferBytes,
                                           backlogLimit: UInt32(clamping: config.backlogLimit),
                                           kernelStatePath: config.kernelStateFile)
        } catch {
            Self.log("cannot read the kernel audit stream: \(error)")
            sinks.forEach { $0.close(timeoutMilliseconds: 1000) }
            if case .system(_, let code) = error, code == EPERM || code == EACCES { return ExitStatus.privilege }
            return ExitStatus.failure
        }
        announce(session)
        session.notices.forEach(Self.log)

        let queue = RecordQueue(capacity: config.eventQueueSize)
        let settings = config.pipelineSettings(liveProcesses: true)
        let pipeline = DetectionPipeline(ruleSet: ruleSet, settings: settings)
        let processor = Processor(queue: queue, pipeline: pipeline, sinks: sinks, policy: config.alertPolicy)
        let wake: WakeEvent
        do { wake = try WakeEvent() } catch {
            Self.log("\(error)")
            session.stop()
            return ExitStatus.failure
        }
        processor.start()
        let reader = session.startReading(into: queue, wake: wake)

        // Blind-spot alerts: checked by this main loop (never by the processing thread, which is the one that falls
        // behind), delivered to the alert sinks, plus a journal warning with its own MESSAGE_ID.
        let warning = config.journaldEnabled
            ? AlertSinks.journalNotices(name: "journal-warning", entry: BlindSpotAlert.warningFields) : nil
        var loss = LossMonitor(intervalSeconds: config.lossAlertIntervalSeconds, wallClock: .now())
        let host = config.hostInfo.document
        var auditWatch = AuditStateWatch(unicast: config.auditMode == .unicast)
        let status = { [self] in
            RunStatus(processor: processor.snapshot, queue: queue.counters, receive: reader.counters,
                      kernelLost: kernelLost(session), sinks: sinks.map { ($0.name, $0.counters) },
                      uptimeSeconds: Int((MonotonicClock.nanoseconds() - started) / 1_000_000_000),
                      lossAlerts: loss.reports, facts: facts,
                      auditTurnedOff: auditWatch.turnedOff, auditReplaceAttempts: auditWatch.replaceAttempts)
        }
        var sinkFailures = SinkFailureLog(intervalSeconds: config.lossAlertIntervalSeconds)
        var kernelLostSeen: UInt64 = 0
        let checkLoss = {
            let current = status()
            kernelLostSeen = max(kernelLostSeen, current.kernelLost.map(UInt64.init) ?? 0)
            guard let report = loss.check(current.lossCounts(kernelLost: kernelLostSeen),
                                          monotonic: MonotonicClock.nanoseconds(), wallClock: .now()) else { return }
            let alert = BlindSpotAlert.alert(for: report, host: host)
            Self.log("blind spot: " + BlindSpotAlert.summary(report) + " (alert \(alert.id))")
            warning?.deliver(alert)
            for sink in sinks { sink.deliver(alert) }
        }
        notifier.ready(status: status().line)
        journal(.started, "started in \(config.auditMode.rawValue) mode with \(ruleSet.count) rules")

        var exitStatus = ExitStatus.success
        let statusInterval = Int64(max(1, config.statusIntervalSeconds)) * 1_000_000_000
        let watchdog = ServiceNotifier.watchdogInterval().map { Int64($0.components.seconds) * 1_000_000_000
            + $0.components.attoseconds / 1_000_000_000 }
        var nextStatus = MonotonicClock.nanoseconds() + statusInterval
        var rateBase = (time: MonotonicClock.nanoseconds(), records: UInt64(0), events: UInt64(0))
        var nextWatchdog = MonotonicClock.nanoseconds()
        var lastHeartbeat = UInt64.max
        var nextAuditCheck = MonotonicClock.nanoseconds() + 1_000_000_000
        loop: while true {
            switch signals.wait(timeoutMilliseconds: 250) {
            case .stop(let signal)?:
                Self.log("signal \(signal): stopping")
                break loop
            case .reload?:
                reload(processor: processor, session: session, status: status)
                loss.setInterval(seconds: config.lossAlertIntervalSeconds)
                sinkFailures.setInterval(seconds: config.lossAlertIntervalSeconds)
            case nil:
                break
            }
            if let failure = reader.failed {
                Self.log("the audit reader failed: \(failure)")
                exitStatus = ExitStatus.failure
                break loop
            }
            checkLoss()
            let now = MonotonicClock.nanoseconds()
            sinkFailures.check(sinks.map { ($0.name, $0.counters) }, monotonic: now).forEach(Self.log)
            if now >= nextAuditCheck {
                nextAuditCheck = now + 1_000_000_000
                if !checkAuditState(&auditWatch, session: session, reader: reader) {
                    exitStatus = ExitStatus.failure
                    break loop
                }
            }
            // WATCHDOG=1 only while the processing thread makes progress: a wedged pipeline gets restarted.
            if let watchdog, now >= nextWatchdog, processor.heartbeat != lastHeartbeat {
                lastHeartbeat = processor.heartbeat
                notifier.watchdog()
                nextWatchdog = now + watchdog / 2
            }
            if now >= nextStatus {
                let counted = processor.snapshot.pipeline
                let seconds = Double(now - rateBase.time) / 1e9
                facts.rateIntervalSeconds = seconds
                facts.recordsPerSecond = Double(counted.records &- rateBase.records) / max(seconds, 1e-3)
                facts.eventsPerSecond = Double(counted.events &- rateBase.events) / max(seconds, 1e-3)
                rateBase = (now, counted.records, counted.events)
                let current = status()
                notifier.status(current.line)
                current.writeStateFile(config.stateFile)
                writeMetrics(current)
                nextStatus = now + statusInterval
            }
        }

        notifier.stopping(status: "stopping: " + status().line)
        reader.stop(timeoutSeconds: 5)
        // Our audit rules go first, then the pid is released: the kernel stops producing for us.
        for error in session.stop() {
            Self.log("cleanup: \(error)")
            exitStatus = ExitStatus.failure
        }
        queue.close()
        if !processor.waitUntilFinished(timeoutSeconds: 10) { Self.log("the processing thread did not finish in 10 s") }
        warning?.close(timeoutMilliseconds: 1000)
        for sink in sinks where !sink.close(timeoutMilliseconds: 5000) {
            Self.log("sink \(sink.name) did not finish writing in 5 s")
        }
        let final = status()
        final.writeStateFile(config.stateFile)
        writeMetrics(final)
        Self.log(final.summary)
        journal(.stopped, "stopped: " + final.line)
        return exitStatus
    }

    /// `[metrics] textfile`, when set; a failure is logged once (until it changes), never fatal.
    private func writeMetrics(_ status: RunStatus) {
        guard let path = config.metricsTextfile else { return }
        do {
            try AtomicFile.write(MetricsText.render(status), to: path)
            metricsError = nil
        } catch {
            let message = "\(error)"
            if message != metricsError { Self.log("metrics: \(message)") }
            metricsError = message
        }
    }

    // MARK: start-up

    private func announce(_ session: LiveAuditSession) {
        let mode = config.auditMode == .unicast ? "unicast (audit pid \(getpid()))" : "multicast"
        var line = "reading the kernel audit stream, \(mode); \(ruleSet.count) rules"
            + "; receive buffer \(session.receiveBufferBytes) bytes"
        if config.installsAuditRules {
            line += "; \(session.ruleReport.rulesAdded) audit rules added (key \(config.auditRuleKey)): "
                + plan.installedSummary
            if !session.ruleReport.skipped.isEmpty {
                line += " (not on this arch: \(session.ruleReport.skipped.joined(separator: " ")))"
            }
        }
        Self.log(line)
        if config.auditMode == .multicast, let coverage = plan.kernelCoverage(key: config.auditRuleKey) { Self.log(coverage) }
    }

    /// Reports what `AuditStateWatch` finds (stderr and a journal warning) and turns auditing back on in unicast
    /// mode. False when the audit socket is lost and the daemon must exit.
    private func checkAuditState(_ watch: inout AuditStateWatch, session: LiveAuditSession, reader: KernelReader) -> Bool {
        guard let kernel = try? session.status() else { return true }
        let replace = reader.replaceRequestsSeen
        var owner = true
        for finding in watch.check(enabled: kernel.enabled, pid: kernel.pid, replaceRequests: replace.count,
                                   lastReplacePID: replace.lastPID, lastReplaceCommand: replace.lastCommand) {
            Self.log(AuditStateWatch.message(finding))
            if config.journaldEnabled { AuditStateWatch.sendJournalWarning(finding) }
            switch finding {
            case .auditingTurnedOff where config.auditMode == .unicast:
                do { try session.turnAuditingOn() } catch { Self.log("turning kernel auditing back on failed: \(error)") }
            case .ownershipLost:
                owner = false
            default:
                break
            }
        }
        return owner
    }

    private func kernelLost(_ session: LiveAuditSession) -> UInt32? {
        guard config.auditMode == .unicast, let now = try? session.status() else { return nil }
        return now.lost &- session.prior.lost
    }

    // MARK: reload

    private func reload(processor: Processor, session: LiveAuditSession, status: () -> RunStatus) {
        notifier.reloading(status: "reloading configuration and rules")
        defer { notifier.ready(status: status().line) }
        facts.reloads += 1
        facts.lastReloadSucceeded = false
        let resolved = options.resolve()
        resolved.diagnostics.forEach { Self.log($0.description) }
        if resolved.hasErrors {
            facts.reloadFailures += 1
            Self.log("reload: the configuration has errors; keeping the running configuration and rules")
            journal(.reloadRefused, "reload refused: the configuration has errors; the running configuration and rules stay")
            return
        }
        let load = resolved.config.loadRules()
        load.diagnostics.forEach { Self.log($0.description) }
        facts.rulesFailed = load.failedRuleCount
        if load.hasErrors {
            facts.reloadFailures += 1
            let exceptionErrors = load.exceptionLists.diagnostics.containsErrors ? "; exception files have errors" : ""
            Self.log("reload: \(load.failedRuleCount) rule(s) failed\(exceptionErrors); keeping the \(ruleSet.count) running rules")
            journal(.reloadRefused, "reload refused: \(load.failedRuleCount) rule(s) failed\(exceptionErrors); "
                    + "the \(ruleSet.count) running rules stay")
            return
        }
        // What the new configuration changes from here on; settings read only at start stay.
        let startOnlyChanged = config.applyReload(from: resolved.config)
        if startOnlyChanged {
            Self.log("reload: audit mode, spool, journald and kernel_state_file changes take effect at the next start")
        }
        let installsRules = config.installsAuditRules
        let newPlan = AuditRulePlan(ruleSet: load.ruleSet).installable(installsRules: installsRules) {
            Self.log("reload: " + $0)
        }
        if installsRules, newPlan.auditRuleSet(key: config.auditRuleKey) != plan.auditRuleSet(key: config.auditRuleKey) {
            reinstallAuditRules(newPlan)
        }
        ruleSet = load.ruleSet
        facts.rulesSkipped = load.report.skippedCount
        facts.lastReloadSucceeded = true
        plan = newPlan
        processor.replace(ruleSet: load.ruleSet, policy: config.alertPolicy)
        Self.log("reload: \(load.ruleSet.count) rules in force")
        journal(.reloaded, "reloaded: \(load.ruleSet.count) rules in force")
    }

    /// A lifecycle entry with its MESSAGE_ID, when journald is in use.
    private func journal(_ event: LifecycleJournal.Event, _ message: String) {
        if config.journaldEnabled { LifecycleJournal.send(event, message) }
    }

    /// Replaces our keyed kernel rules with the new plan's (other rules are never touched).
    private func reinstallAuditRules(_ newPlan: AuditRulePlan) {
        do {
            let rules = newPlan.needsKernelRules ? newPlan.auditRuleSet(key: config.auditRuleKey) : nil
            if let report = try AuditRuleSet.replaceInstalled(key: config.auditRuleKey, with: rules) {
                Self.log("reload: \(report.rulesAdded) audit rules installed: " + newPlan.installedSummary)
            }
        } catch {
            Self.log("reload: installing the audit rules failed: \(error)")
        }
    }

    static func log(_ message: String) {
        StandardError.line("auspex run: " + message)
    }
}
