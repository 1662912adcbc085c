// swift-tools-version:6.1
import PackageDescription

// The layout follows the data flow (see README "Architecture"), one module per step:
// CAuditNetlink / AuditNetlink → AuditRecords → Reassembler → Events → Processes → Detection → Alerting.
// Detection compiles rules with EQL and loads them with Rules; EventModel holds the values every step shares.
// Daemon is the runtime around Detection (only `auspex run` uses it); auspex is the CLI.
// Every target's dependencies are exactly the modules its files import (Scripts/check-imports.sh, `make test`).
let package = Package(
    name: "auspex",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "auspex", targets: ["auspex"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // C shim over the NETLINK_AUDIT socket and libaudit rule management. No parsing in C.
        .target(name: "CAuditNetlink", linkerSettings: [.linkedLibrary("audit")]),
        // C shim over libsystemd: journal native protocol and sd_notify.
        .target(name: "CSystemd", linkerSettings: [.linkedLibrary("systemd")]),
        // SHA-256 compression on the x86 SHA extensions, for entity ids (the portable rounds are in Processes).
        .target(name: "CSHA256"),
        // Values and documents shared by the event producers and the EQL engine; JSON in and out.
        .target(name: "EventModel"),
        // Swift face of the netlink shim: unicast/multicast reader, status, audit rules, kernel rule listing; the
        // kernel reader thread and its bounded record queue, the one kernel record loop of `run` and `events`.
        .target(name: "AuditNetlink", dependencies: ["CAuditNetlink", "AuditRecords"]),
        // Audit record tokenizer and decoders over bytes (netlink payloads and audit.log lines), audit.log line reader.
        .target(name: "AuditRecords"),
        // Records → one audit event per serial.
        .target(name: "Reassembler", dependencies: ["AuditRecords", .product(name: "DequeModule", package: "swift-collections")]),
        // Audit event → ECS document (auditd_manager shape); the Defend vocabulary beside it.
        .target(name: "Events", dependencies: ["AuditRecords", "Reassembler", "EventModel"]),
        // Process table: entity ids, ancestry, sessions; enriches normalized documents.
        .target(name: "Processes", dependencies: ["Events", "Reassembler", "AuditRecords", "EventModel", "CSHA256"]),
        // Elasticsearch EQL: parser, verifier, compiler, streaming matchers. Independent of audit.
        .target(name: "EQL", dependencies: ["EventModel"]),
        // TOML 1.0 reader; detection-rules loader and diagnostics; the auspex.toml reader (same TOML machinery, data only).
        .target(name: "Rules", dependencies: ["Alerting", "EQL", "EventModel"]),
        // Alert documents, rule metadata and severity; sinks (journald, spool, stdout).
        .target(name: "Alerting", dependencies: ["EventModel", "CSystemd"]),
        // Schema and views, rule set, compiled rules, audit-rule plan (and its kernel rules), engine, pipeline, replay,
        // alert building, the check report and the events command; what every command shares (resolved
        // configuration, exit statuses, signals).
        .target(name: "Detection", dependencies: ["AuditNetlink", "AuditRecords", "Reassembler", "Events", "Processes", "EQL", "Rules", "Alerting", "EventModel"]),
        // The runtime of `auspex run`: processing thread, reload, sd_notify, status.
        .target(name: "Daemon", dependencies: ["Detection", "AuditNetlink", "AuditRecords", "Processes", "Rules", "Alerting", "EventModel", "CSystemd"]),
        .executableTarget(name: "auspex", dependencies: [
            "Daemon", "Detection", "AuditNetlink", "Events", "EQL", "Rules", "Alerting", "EventModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // EQL throughput over the Linux detection-rules corpus (`make bench-eql`; not a test).
        // Every outside input (audit.log text, EQL, rule TOML, exception NDJSON) driven through the product's own
        // path, for the fuzzer and its regression tests.
        .target(name: "FuzzTargets", dependencies: ["Detection", "EQL", "EventModel", "Events", "Rules"]),
        // libFuzzer entry point (`make fuzz`); a normal build runs saved inputs: `auspex-fuzz TARGET FILE...`.
        .executableTarget(name: "auspex-fuzz", dependencies: ["FuzzTargets"], path: "Fuzz/auspex-fuzz"),
        .executableTarget(name: "auspex-bench", dependencies: ["EQL", "EventModel"], path: "Benchmarks/EQLThroughput"),
        // Shared by the test targets (package root, ../shared, the built auspex, subprocesses); tests only.
        .target(name: "PackageTestSupport", path: "Tests/PackageTestSupport"),
        .testTarget(name: "EventModelTests", dependencies: ["PackageTestSupport", "EventModel"]),
        .testTarget(name: "AuditRecordsTests", dependencies: ["PackageTestSupport", "AuditRecords"]),
        .testTarget(name: "ReassemblerTests", dependencies: ["PackageTestSupport", "Reassembler", "AuditRecords"]),
        .testTarget(name: "EventsTests", dependencies: ["PackageTestSupport", "Events", "Reassembler", "AuditRecords", "EventModel"]),
        .testTarget(name: "AuditNetlinkTests", dependencies: ["AuditNetlink", "CAuditNetlink", "AuditRecords"]),
        .testTarget(name: "ProcessesTests", dependencies: ["PackageTestSupport", "Processes", "Detection", "Rules", "Alerting", "Events", "Reassembler", "AuditRecords", "EventModel"]),
        .testTarget(name: "EQLTests", dependencies: ["PackageTestSupport", "EQL", "EventModel", "Rules"]),
        .testTarget(name: "RulesTests", dependencies: ["PackageTestSupport", "Rules", "Detection", "EQL", "Alerting", "EventModel"]),
        .testTarget(name: "AlertingTests", dependencies: ["PackageTestSupport", "Alerting", "EventModel"]),
        // Kernel-format audit.log text for the Detection and Daemon tests.
        .target(name: "DetectionTestSupport", path: "Tests/DetectionTestSupport"),
        .testTarget(name: "DetectionTests", dependencies: ["PackageTestSupport", "DetectionTestSupport", "Detection", "EQL", "Rules", "Alerting", "Events", "EventModel", "AuditRecords", "AuditNetlink", "Reassembler"]),
        .testTarget(name: "DaemonTests", dependencies: ["PackageTestSupport", "DetectionTestSupport", "Daemon", "Detection", "Rules", "EQL", "Alerting", "Events", "EventModel", "AuditRecords", "AuditNetlink", "Processes"]),
        // Drives the built `auspex` binary: over audit.log files, and against the live kernel and journald (root;
        // skipped otherwise).
        .testTarget(name: "EndToEndTests", dependencies: ["PackageTestSupport", "auspex", "AuditNetlink", "EventModel"]),
    ]
)

// Release builds optimize across module boundaries: the record path crosses seven modules, and without it generic
// code such as EQL's StreamMatcher runs unspecialized in Detection (type metadata looked up per event). Measured
// with callgrind on the bench corpus: −23 % instructions in rule evaluation with every Elastic rule loaded.
for target in package.targets where target.type != .test && !["CAuditNetlink", "CSystemd"].contains(target.name) {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-cross-module-optimization"], .when(configuration: .release))]
}
