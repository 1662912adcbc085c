import EventModel
import Events
import Processes

/// Defend's values for one event, given the audit document's slots.
struct DefendEvent {
    var action: FieldValue?
    var types: FieldValue?
    var category: FieldValue?
    var filePath: FieldValue?

    static let none = DefendEvent()

    private init(action: FieldValue? = nil, types: FieldValue? = nil, category: FieldValue? = nil,
                 filePath: FieldValue? = nil) {
        self.action = action
        self.types = types
        self.category = category
        self.filePath = filePath
    }

    // Open flags, identical on x86_64, aarch64 and i386 (asm-generic/fcntl.h).
    private static let writeAccess: UInt64 = 0o3  // O_WRONLY | O_RDWR
    private static let truncate: UInt64 = 0o1000  // O_TRUNC
    private static let cloneThread: UInt64 = 0x10000

    /// - Parameters:
    ///   - syscall, success: the SYSCALL record's name and outcome.
    ///   - argument: the syscall argument `a<index>` in hex: open's flags (`a1`; `a2` for openat), clone's (`a0`).
    ///   - paths: `auditd.paths`, whose items carry the kernel's `nametype` (CREATE: the call made the name).
    ///   - fork: what a fork-family call created, as the process table judged it (nil: not known).
    static func reading(syscall: String, success: Bool, argument: (_ index: Int) -> String?,
                        paths: FieldValue, fork: ForkOutcome? = nil) -> DefendEvent {
        if !success && DefendVocabulary.eventlessFailedSyscalls.contains(syscall) {
            return DefendEvent(action: .null, types: ["info"])  // no program started: no `exec`, no `start`
        }
        guard let operation = DefendVocabulary.operationBySyscall[syscall] else { return .none }
        guard success else {
            // A refused unlink is still `deletion` in go-libaudit's table, but no file changed: Defend has no event,
            // so rules testing only `event.type == "deletion"` (or creation, change) must not see one either.
            return operation.isFileChange ? DefendEvent(types: ["info"]) : .none
        }
        switch operation {
        case .openFile, .createFile:
            if Self.item(ofType: "CREATE", in: paths) != nil {
                return DefendEvent(action: "creation", types: ["creation"])
            } else if operation == .createFile && syscall != "creat" {
                return DefendEvent(action: "creation", types: ["creation"])  // links and nodes only exist once made
            } else if syscall == "creat" || Self.flags(syscall, argument) & (Self.writeAccess | Self.truncate) != 0 {
                return DefendEvent(action: "modification", types: ["change"])
            } else {
                return DefendEvent(action: "open")
            }
        case .modifyFile: return DefendEvent(action: "modification", types: ["change"])
        case .deleteFile: return DefendEvent(action: "deletion")
        case .renameFile:
            // rename(old, new): the CREATE item is the new name; a replaced target is a second DELETE item.
            return DefendEvent(action: "rename", filePath: Self.item(ofType: "CREATE", in: paths))
        case .fork:
            return fork == .thread ? .none : DefendEvent(action: "fork", types: ["start"])
        case .clone:
            guard fork != .thread, let flags = argument(0).flatMap({ UInt64($0, radix: 16) }), flags & Self.cloneThread == 0 else {
                return .none
            }
            return DefendEvent(action: "fork", types: ["start"])
        case .sessionChange: return DefendEvent(action: "session_id_change", types: ["change"])
        case .end: return DefendEvent(action: "end")
        case .uidChange: return DefendEvent(action: "uid_change")
        case .gidChange: return DefendEvent(action: "gid_change")
        case .accept: return DefendEvent(action: "connection_accepted")
        case .loadModule: return DefendEvent(action: "load_module", category: ["process"])
        }
    }

    private static func flags(_ syscall: String, _ argument: (Int) -> String?) -> UInt64 {
        let index = syscall == "open" ? 1 : syscall == "openat" ? 2 : -1  // openat2's flags are in a struct
        guard index >= 0, let hex = argument(index), let value = UInt64(hex, radix: 16) else { return 0 }
        return value
    }

    private static func item(ofType type: String, in paths: FieldValue) -> FieldValue? {
        guard case .array(let items) = paths else { return nil }
        for item in items where item["nametype"]?.stringValue == type {
            if let name = item["name"], name.stringValue != nil { return name }
        }
        return nil
    }
}
