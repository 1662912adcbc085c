import AuditRecords
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The reader thread: drains the audit netlink socket into the record queue and nothing else, so it never waits
/// on parsing, matching or output (architecture.md "The reader never waits"). The one kernel record loop: `auspex
/// run` and `auspex events` both read the kernel through it, and consume the queue on a thread of their own.
public final class KernelReader: @unchecked Sendable {
    private let reader: AuditReader
    private let queue: RecordQueue
    private let wake: WakeEvent
    private let finished = DispatchSemaphore(value: 0)
    // Guarded by `lock`.
    private let lock = NSLock()
    private var failure: String?
    private var replaceRequests = ReplaceRequests()

    /// - Parameter wake: raised to stop the thread (by `stop`, or by the owner: a signal, a limit reached).
    init(reader: AuditReader, queue: RecordQueue, wake: WakeEvent) {
        self.reader = reader
        self.queue = queue
        self.wake = wake
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "auspex-reader"
        thread.start()
    }

    /// Asks the thread to stop and waits for it.
    @discardableResult
    public func stop(timeoutSeconds: Double) -> Bool {
        wake.raise()
        return finished.wait(timeout: .now() + timeoutSeconds) == .success
    }

    /// Why the reader stopped on its own, if it did.
    public var failed: String? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    /// AUDIT_REPLACE messages: the kernel asks the registered audit daemon whether it is alive each time another
    /// process tries to register (auditd starting while auspex owns the socket); the payload is that process's pid.
    public struct ReplaceRequests: Equatable, Sendable {
        public var count: UInt64 = 0
        public var lastPID: UInt32 = 0
        /// Its command name, read while the kernel holds it in the request (it may exit right after).
        public var lastCommand: String?
    }

    public var replaceRequestsSeen: ReplaceRequests {
        lock.lock()
        defer { lock.unlock() }
        return replaceRequests
    }

    /// Receive counters (datagrams, ENOBUFS, …). Read from another thread: plain integers, snapshot semantics.
    public var counters: ReceiveCounters { reader.counters }

    private func run() {
        var batch: [RawRecord] = []
        batch.reserveCapacity(256)
        while !isWoken() {
            do {
                try reader.receive(timeoutMilliseconds: 500, wakeDescriptor: wake.descriptor) { message in
                    if message.type == Self.auditReplace { noteReplaceRequest(message.payload) }
                    guard AuditRecordType(rawValue: message.type).isAuditRecord else { return }
                    batch.append(RawRecord(type: message.type, payload: Array(message.payload)))
                }
            } catch {
                lock.lock()
                failure = String(describing: error)
                lock.unlock()
                break
            }
            let received = batch.count
            queue.push(batch)
            batch.removeAll(keepingCapacity: true)
            // Under a steady trickle every datagram would cost a wake-up of both threads. A short pause after a small
            // batch lets records gather in the socket buffer (16 MiB; the kernel never waits on us) and adds at
            // most `coalescingMilliseconds` to an alert's latency; a stop request still ends it at once.
            if received > 0, received < Self.smallBatch { pause(milliseconds: Self.coalescingMilliseconds) }
        }
        finished.signal()
    }

    /// AUDIT_REPLACE (linux/audit.h).
    static let auditReplace: UInt16 = 1329

    private func noteReplaceRequest(_ payload: UnsafeRawBufferPointer) {
        let pid = payload.count >= 4 ? payload.loadUnaligned(as: UInt32.self) : 0
        let command = Self.command(pid)
        lock.lock()
        replaceRequests.count += 1
        // A second request of the same process (auditd retries) may come as it exits: keep the name read first.
        if command != nil || pid != replaceRequests.lastPID { replaceRequests.lastCommand = command }
        replaceRequests.lastPID = pid
        lock.unlock()
    }

    /// `/proc/PID/comm`, when readable.
    static func command(_ pid: UInt32) -> String? {
        guard pid > 0, let file = fopen("/proc/\(pid)/comm", "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, 64, file) != nil else { return nil }
        return String(cString: buffer).split(separator: "\n").first.map(String.init)
    }

    static let smallBatch = 64
    static let coalescingMilliseconds: Int32 = 2

    private func pause(milliseconds: Int32) {
        var pfd = pollfd(fd: wake.descriptor, events: Int16(POLLIN), revents: 0)
        _ = poll(&pfd, 1, milliseconds)
    }

    private func isWoken() -> Bool {
        var pfd = pollfd(fd: wake.descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&pfd, 1, 0) > 0
    }
}
