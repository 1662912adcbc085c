import Alerting
import Dispatch

/// The daemon's own life in the journal, each kind with a `MESSAGE_ID` the catalog explains (`journalctl -x`):
/// started, reloaded, reload refused, stopped with its final counters. The same lines go to stderr as before;
/// these entries are the ones an operator or a fleet query selects by id.
enum LifecycleJournal {
    enum Event: Equatable {
        case started, reloaded, reloadRefused, stopped
    }

    static let startedID = "e590d8677dfc4f3d9dc68b8a10c45381"
    static let reloadedID = "7c405f64f8ff459aa8549b7b845c3556"
    static let reloadRefusedID = "ee70b030e58b419f81001aa75e44e5ac"
    static let stoppedID = "aea2b7ffce774b408f05a1ceba23d042"

    static func messageID(_ event: Event) -> String {
        switch event {
        case .started: return startedID
        case .reloaded: return reloadedID
        case .reloadRefused: return reloadRefusedID
        case .stopped: return stoppedID
        }
    }

    /// The entry's fields: `MESSAGE` (prefixed `auspex: `), `PRIORITY` (info; warning for a refused reload),
    /// `SYSLOG_IDENTIFIER`, `MESSAGE_ID`.
    static func fields(_ event: Event, _ message: String) -> [(name: String, value: String)] {
        [("MESSAGE", "auspex: " + message), ("PRIORITY", event == .reloadRefused ? "4" : "6"),
         ("SYSLOG_IDENTIFIER", JournalEntry.syslogIdentifier), ("MESSAGE_ID", messageID(event))]
    }

    /// Sends one entry; returns 0 or a negative errno. Injectable so tests can stand in for journald.
    typealias Send = @Sendable ([(name: String, value: String)]) -> Int32

    /// Sends the entry; waits for `stopped`, which is sent just before the process exits.
    static func send(_ event: Event, _ message: String, send: @escaping Send = JournalEntry.send) {
        deliver(fields(event, message), beforeExit: event == .stopped, send: send)
    }

    /// Sends a daemon journal entry off the calling thread (a stalled journald must not stall the main loop); an
    /// entry sent just before the process exits waits up to a second for the send, so it is not lost.
    static func deliver(_ entry: [(name: String, value: String)], beforeExit: Bool, send: @escaping Send) {
        let sent = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = send(entry)
            sent.signal()
        }
        if beforeExit { _ = sent.wait(timeout: .now() + 1) }
    }
}
