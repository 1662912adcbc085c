@testable import AuditRecords
@testable import EventModel
@testable import Events
import Foundation
@testable import Processes
@testable import Reassembler
import PackageTestSupport
import XCTest

/// Reading ../shared, turning audit.log text into enriched documents, and a substitutable /proc.
enum Samples {
    static func laurel(_ name: String) throws -> [UInt8] {
        let path = try PackagePaths.shared("audit-samples/laurel/src/testdata/" + name).path
        guard let data = FileManager.default.contents(atPath: path) else { throw XCTSkip("missing \(path)") }
        return [UInt8](data)
    }

    /// Records grouped by serial in order of first appearance; comment lines skipped.
    static func events(fromLog bytes: [UInt8]) -> [AuditEvent] {
        var order: [UInt32] = []
        var records: [UInt32: [AuditRecord]] = [:]
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.first != UInt8(ascii: "#") {
            guard case .success(let record) = AuditParser.parseLogLine(line), record.type != .eoe else { continue }
            if records[record.serial] == nil { order.append(record.serial) }
            records[record.serial, default: []].append(record)
        }
        return order.map { AuditEvent(serial: $0, timestamp: records[$0]![0].timestamp, records: records[$0]!) }
    }

    static func events(fromText text: String) -> [AuditEvent] { events(fromLog: Array(text.utf8)) }
}

/// Normalizer + enricher over events, keeping the documents in order.
struct EnrichmentRun {
    var enricher: ProcessEnricher
    let normalizer = Normalizer(host: HostInfo(id: "test-host", name: "test"), names: StaticNameLookup())
    var documents: [Document] = []

    init(source: any ProcSource = AbsentProcSource(), scan: Bool = false, limits: ProcessTable.Limits = .init()) {
        enricher = ProcessEnricher(source: source, limits: limits, scan: scan)
    }

    mutating func run(_ events: [AuditEvent]) {
        for event in events {
            var document = normalizer.normalize(event)
            enricher.enrich(&document, event: event)
            documents.append(document)
        }
    }

    /// Documents of `pid` whose syscall is `syscall` (any when nil).
    func documents(pid: Int64, syscall: String? = nil) -> [Document] {
        documents.filter {
            $0["process.pid"]?.intValue == pid && (syscall == nil || $0["auditd.data.syscall"]?.stringValue == syscall)
        }
    }

    func entityID(pid: Int64, syscall: String? = nil) -> String? {
        documents(pid: pid, syscall: syscall).first?["process.entity_id"]?.stringValue
    }
}

/// A fixed /proc: tests add, change and remove processes between events.
final class FakeProcSource: ProcSource, @unchecked Sendable {
    let system = ProcSystemFacts(bootID: "boot-1", pidNamespace: 4026531836, bootTimeNanos: 1_600_000_000_000_000_000)
    var processes: [Int32: ProcSnapshot] = [:]
    private(set) var snapshotCalls = 0

    func add(_ snapshot: ProcSnapshot) { processes[snapshot.pid] = snapshot }
    func listPids() -> [Int32] { Array(processes.keys) }
    func snapshot(of pid: Int32) -> ProcSnapshot? {
        snapshotCalls += 1
        return processes[pid]
    }
    func startTicks(of pid: Int32) -> UInt64? { processes[pid]?.startTicks }
    /// Task id → thread group, for tasks that are threads (or processes) `/proc` still shows; nil: gone.
    var threadGroups: [Int32: Int32] = [:]
    func threadGroupID(of pid: Int32) -> Int32? { threadGroups[pid] }
}

/// Audit lines for synthetic scenarios (x86_64 syscall numbers).
struct AuditLines {
    private(set) var text = ""
    private var serial: UInt32 = 100
    var seconds: Int64 = 1_700_000_000
    var milliseconds = 0

    mutating func syscall(_ number: Int, pid: Int32, ppid: Int32, exit: Int64 = 0, success: Bool = true,
                          a0: String = "0", comm: String, exe: String, uid: Int = 0, euid: Int? = nil,
                          tty: String = "pts0", args: [String]? = nil, cwd: String? = nil) {
        serial += 1
        milliseconds += 1
        let stamp = "audit(\(seconds).\(String(format: "%03d", milliseconds)):\(serial))"
        let effective = euid ?? uid
        text += "type=SYSCALL msg=\(stamp): arch=c000003e syscall=\(number) success=\(success ? "yes" : "no") "
            + "exit=\(exit) a0=\(a0) a1=0 a2=0 a3=0 items=0 ppid=\(ppid) pid=\(pid) auid=1000 uid=\(uid) gid=\(uid) "
            + "euid=\(effective) suid=\(effective) fsuid=\(effective) egid=\(uid) sgid=\(uid) fsgid=\(uid) tty=\(tty) "
            + "ses=3 comm=\"\(comm)\" exe=\"\(exe)\" key=(null)\n"
        if let args {
            let quoted = args.enumerated().map { "a\($0.offset)=\"\($0.element)\"" }.joined(separator: " ")
            text += "type=EXECVE msg=\(stamp): argc=\(args.count) \(quoted)\n"
        }
        if let cwd { text += "type=CWD msg=\(stamp): cwd=\"\(cwd)\"\n" }
        text += "type=EOE msg=\(stamp): \n"
    }

    mutating func fork(pid: Int32, ppid: Int32, child: Int32, comm: String, exe: String, uid: Int = 0) {
        syscall(56, pid: pid, ppid: ppid, exit: Int64(child), a0: "1200011", comm: comm, exe: exe, uid: uid)
    }

    mutating func exec(pid: Int32, ppid: Int32, comm: String, exe: String, args: [String], uid: Int = 0,
                       tty: String = "pts0") {
        syscall(59, pid: pid, ppid: ppid, comm: comm, exe: exe, uid: uid, tty: tty, args: args, cwd: "/root")
    }

    mutating func setsid(pid: Int32, ppid: Int32, comm: String, exe: String, uid: Int = 0) {
        syscall(112, pid: pid, ppid: ppid, exit: Int64(pid), comm: comm, exe: exe, uid: uid)
    }

    mutating func exitGroup(pid: Int32, ppid: Int32, comm: String, exe: String) {
        syscall(231, pid: pid, ppid: ppid, comm: comm, exe: exe)
    }

    mutating func connect(pid: Int32, ppid: Int32, comm: String, exe: String, uid: Int = 0) {
        syscall(42, pid: pid, ppid: ppid, exit: -115, success: false, a0: "3", comm: comm, exe: exe, uid: uid)
    }

    /// Adds a SOCKADDR record (AF_INET) to the last event, before its EOE.
    mutating func sockaddrForLastEvent(ip: String, port: UInt16) {
        guard let eoe = text.range(of: "type=EOE msg=", options: .backwards) else { return }
        let rest = text[eoe.upperBound...]
        guard let close = rest.firstIndex(of: ")") else { return }
        let stamp = String(rest[..<rest.index(after: close)])  // audit(seconds.millis:serial)
        let octets = ip.split(separator: ".").compactMap { UInt8($0) }
        let hex = "0200" + String(format: "%04X", port) + octets.map { String(format: "%02X", $0) }.joined()
            + "0000000000000000"
        text.insert(contentsOf: "type=SOCKADDR msg=\(stamp): saddr=\(hex)\n", at: eoe.lowerBound)
    }

    /// Moves audit time forward.
    mutating func advance(seconds delta: Int64) { seconds += delta }

    var events: [AuditEvent] { Samples.events(fromText: text) }
}
