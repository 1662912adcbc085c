// swift-tools-version:6.1
import PackageDescription

// The layout follows the data flow (see README "Architecture"):
// CAuditNetlink → AuditNetlink → AuditRecords → Reassembler → Events → EQL → Rules → Alerting → Daemon → auspex.
let package = Package(
    name: "auspex",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "auspex", targets: ["auspex"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // C shim over the NETLINK_AUDIT socket and libaudit rule management. No parsing in C.
        .target(name: "CAuditNetlink", linkerSettings: [.linkedLibrary("audit")]),
        // C shim over libsystemd: journal native protocol and sd_notify.
        .target(name: "CSystemd", linkerSettings: [.linkedLibrary("systemd")]),
        // Values and documents shared by the event producers and the EQL engine; JSON in and out.
        .target(name: "EventModel"),
        // Swift face of the netlink shim: unicast/multicast reader, status, audit rules.
        .target(name: "AuditNetlink", dependencies: ["CAuditNetlink"]),
        // Audit record tokenizer and decoders over bytes (netlink payloads and audit.log lines).
        .target(name: "AuditRecords"),
        // Records → one audit event per serial.
        .target(name: "Reassembler", dependencies: ["AuditRecords"]),
        // Audit event → ECS document (auditd_manager shape).
        .target(name: "Events", dependencies: ["AuditRecords", "Reassembler", "EventModel"]),
        // Process table: entity ids, ancestry, sessions; enriches normalized documents.
        .target(name: "Processes", dependencies: ["Events", "Reassembler", "AuditRecords", "EventModel"]),
        // Elasticsearch EQL: parser, verifier, compiler, streaming matchers. Independent of audit.
        .target(name: "EQL", dependencies: ["EventModel"]),
        // detection-rules TOML loader, diagnostics, audit-rule derivation.
        .target(name: "Rules", dependencies: ["EQL", "EventModel", .product(name: "TOMLKit", package: "TOMLKit")]),
        // Alert documents and sinks (journald, spool, stdout).
        .target(name: "Alerting", dependencies: ["EventModel", "CSystemd"]),
        // Threads, queues, signals, reload, sd_notify.
        .target(name: "Daemon", dependencies: ["AuditNetlink", "AuditRecords", "Reassembler", "Events", "Processes", "EQL", "Rules", "Alerting", "CSystemd"]),
        .executableTarget(name: "auspex", dependencies: [
            "Daemon", "AuditNetlink", "AuditRecords", "Reassembler", "Events", "Processes", "EQL", "Rules", "Alerting", "EventModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // EQL throughput over the Linux detection-rules corpus (`make bench-eql`; not a test).
        .executableTarget(name: "auspex-bench", dependencies: ["EQL", "EventModel"], path: "Benchmarks/EQLThroughput"),
        // Paths shared by the test targets (package root, ../shared); tests only.
        .target(name: "PackageTestSupport", path: "Tests/PackageTestSupport"),
        .testTarget(name: "EventModelTests", dependencies: ["PackageTestSupport", "EventModel"]),
        .testTarget(name: "AuditRecordsTests", dependencies: ["PackageTestSupport", "AuditRecords"]),
        .testTarget(name: "ReassemblerTests", dependencies: ["PackageTestSupport", "Reassembler", "AuditRecords"]),
        .testTarget(name: "EventsTests", dependencies: ["PackageTestSupport", "Events", "Reassembler", "AuditRecords", "EventModel"]),
        .testTarget(name: "AuditNetlinkTests", dependencies: ["PackageTestSupport", "AuditNetlink", "AuditRecords", "Reassembler", "Events", "EventModel"]),
        .testTarget(name: "ProcessesTests", dependencies: ["PackageTestSupport", "Processes", "Daemon", "Rules", "Alerting", "Events", "Reassembler", "AuditRecords", "EventModel"]),
        .testTarget(name: "EQLTests", dependencies: ["PackageTestSupport", "EQL", "EventModel", .product(name: "TOMLKit", package: "TOMLKit")]),
        .testTarget(name: "RulesTests", dependencies: ["PackageTestSupport", "Rules", "EQL", "EventModel"]),
        .testTarget(name: "AlertingTests", dependencies: ["PackageTestSupport", "Alerting", "EventModel"]),
        .testTarget(name: "DaemonTests", dependencies: ["PackageTestSupport", "Daemon", "EQL", "Rules", "Alerting", "Events", "EventModel", "AuditRecords", "AuditNetlink"]),
        // Drives the built `auspex` binary against the live kernel and journald (root; skipped otherwise).
        .testTarget(name: "EndToEndTests", dependencies: ["PackageTestSupport", "auspex"]),
    ]
)
