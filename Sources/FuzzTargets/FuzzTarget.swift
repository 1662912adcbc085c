import Detection
import EQL
import EventModel
import Events
import Rules
#if canImport(Glibc)
import Glibc
#endif

/// The inputs auspex takes from outside, each driven through the same public path the product uses, so a fuzzer
/// (`make fuzz`, `Fuzz/auspex-fuzz`) or a regression test can feed it arbitrary bytes. Any crash, hang or
/// unbounded allocation under one of these is a product bug.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// audit.log text → records → reassembly → normalization → process table → NDJSON (`auspex events --file`).
    case auditLog = "audit-log"
    /// An EQL query compiled against the rule schema of one source view, chosen by the input's length (the rule
    /// compiler's path; mutations change lengths freely, so both views are exercised).
    case eql
    /// A detection-rules TOML file: parsed, then compiled into a rule set (`auspex check`).
    case ruleTOML = "rule-toml"
    /// An exception NDJSON file: parsed, then compiled against a rule that attaches every list in it.
    case exceptions

    /// Runs one input. Never throws: every rejection of bad input is a normal outcome.
    public func run(_ input: UnsafeBufferPointer<UInt8>) {
        switch self {
        case .auditLog: Self.runAuditLog(input)
        case .eql: Self.runEQL(String(decoding: input, as: UTF8.self), view: input.count & 1)
        case .ruleTOML:
            guard let text = String(validating: input, as: UTF8.self) else { return }  // the loader refuses it
            Self.runRuleFile(text)
        case .exceptions:
            guard let text = String(validating: input, as: UTF8.self) else { return }
            Self.runExceptions(text)
        }
    }

    /// Convenience for tests.
    public func run(_ input: [UInt8]) {
        input.withUnsafeBufferPointer { run($0) }
    }

    // MARK: audit.log

    private static func runAuditLog(_ input: UnsafeBufferPointer<UInt8>) {
        // The product reads logs through a descriptor (LogLineReader's buffering and line cap are part of the path).
        guard let file = tmpfile() else { fatalError("tmpfile: \(errno)") }  // unlinked; gone with fclose
        defer { fclose(file) }
        let descriptor = fileno(file)
        var written = 0
        while written < input.count {
            let n = write(descriptor, input.baseAddress! + written, input.count - written)
            guard n > 0 else { fatalError("write to the temporary file: \(errno)") }
            written += n
        }
        lseek(descriptor, 0, SEEK_SET)

        // `auspex events --file`: documents written as NDJSON (to /dev/null), malformed records counted, not reported.
        let settings = PipelineSettings(host: HostInfo(id: "fuzz", name: "fuzz"), maxEventsInFlight: 16, maxProcesses: 64)
        var documents = EventDocuments(descriptor: discard, documentLimit: nil, settings: settings, names: NoNames(),
                                       report: { _ in })
        documents.readLog(descriptor: descriptor, name: "fuzz input")
    }

    /// Where the audit.log target's documents go.
    private static let discard = open("/dev/null", O_WRONLY | O_CLOEXEC)

    /// No user or group names: the fuzzer must not depend on (or spend its time in) the host's passwd file.
    private struct NoNames: NameLookup {
        func userName(forID id: String) -> String? { nil }
        func groupName(forID id: String) -> String? { nil }
        func userID(forName name: String) -> String? { nil }
        func groupID(forName name: String) -> String? { nil }
    }

    // MARK: EQL

    /// Both views' schemas, built once: per input they cost more than compiling a typical query. Immutable once
    /// built (FieldSchema is not declared Sendable).
    nonisolated(unsafe) private static let eqlSchemas: [any FieldSchema] = RuleSet.viewSchemas()

    /// One view per input: compiling in both doubled the cost of an input (regex construction dominates) and found
    /// nothing the other view's inputs do not reach.
    private static func runEQL(_ query: String, view: Int) {
        _ = try? EQLCompiler(schema: eqlSchemas[view]).compile(query)
    }

    // MARK: rule files

    private static func runRuleFile(_ text: String) {
        guard case .loaded(let rule) = RuleLoader().parse(text: text, file: "fuzz.toml").0 else { return }
        _ = RuleSet.compile([rule])
    }

    // MARK: exception files

    /// A rule every list of the input attaches to (by `attachToAllRules`), so entries compile against the schema.
    private static let exceptionHost: LoadedRule = {
        let text = """
            [metadata]
            creation_date = "2024/01/01"
            maturity = "production"
            updated_date = "2024/01/01"

            [rule]
            author = ["auspex"]
            description = "Fuzzing host rule."
            from = "now-9m"
            index = ["auditbeat-*", "logs-auditd_manager.auditd-*"]
            language = "eql"
            license = "Elastic License v2"
            name = "Fuzz host"
            risk_score = 21
            rule_id = "00000000-0000-0000-0000-00000000f022"
            severity = "low"
            type = "eql"
            query = '''
            process where event.type == "start" and process.name : "sh"
            '''
            """
        guard case .loaded(let rule) = RuleLoader().parse(text: text, file: "host.toml").0 else {
            fatalError("the exception fuzzer's host rule does not load")
        }
        return rule
    }()

    private static func runExceptions(_ text: String) {
        let lists = ExceptionLists.parse([("fuzz.ndjson", text)])
        _ = RuleSet.compile([exceptionHost], exceptions: lists, attachToAllRules: lists.listIDs)
    }
}
