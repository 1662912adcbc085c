#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Resolves numeric user and group ids to names (`user.name`, `user.group.name`, `file.owner`, …).
/// Injected into the normalizer so tests are deterministic and the daemon can cache.
public protocol NameLookup: Sendable {
    /// The user name for a decimal uid string, or nil when unknown.
    func userName(forID id: String) -> String?
    /// The group name for a decimal gid string, or nil when unknown.
    func groupName(forID id: String) -> String?
    /// The decimal uid for a user name, or nil when unknown.
    func userID(forName name: String) -> String?
    /// The decimal gid for a group name, or nil when unknown.
    func groupID(forName name: String) -> String?
}

/// The name lookups a pipeline chooses between (the conforming types stay inside this module).
public enum NameLookups {
    /// The system user database, cached (``SystemNameLookup``).
    public static func system() -> any NameLookup { SystemNameLookup() }
}

/// A fixed table of names: for tests, and for `--no-resolve` style use (empty tables).
struct StaticNameLookup: NameLookup {
    var users: [String: String]
    var groups: [String: String]

    init(users: [String: String] = [:], groups: [String: String] = [:]) {
        self.users = users
        self.groups = groups
    }

    func userName(forID id: String) -> String? { users[id] }
    func groupName(forID id: String) -> String? { groups[id] }
    func userID(forName name: String) -> String? { users.first { $0.value == name }?.key }
    func groupID(forName name: String) -> String? { groups.first { $0.value == name }?.key }
}

/// The system user database (NSS via `getpwuid_r`/`getgrgid_r`), cached per id for a minute with negative
/// results cached too, as go-libaudit's `id_lookup.go` does; `0` is always `root`. Thread-safe.
final class SystemNameLookup: NameLookup, @unchecked Sendable {
    /// One id → name table with expiry; guarded by the owner's lock.
    private struct Cache {
        struct Entry { var name: String?; var expires: UInt64 }
        var entries: [UInt32: Entry] = [:]

        func lookup(_ id: UInt32, now: UInt64) -> String?? {
            guard let entry = entries[id], entry.expires > now else { return nil }
            return .some(entry.name)
        }

        mutating func store(_ id: UInt32, _ name: String?, expires: UInt64, capacity: Int) {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }  // ids on one host are few
            entries[id] = Entry(name: name, expires: expires)
        }
    }

    private let lock = NSLock()
    private var users = Cache()
    private var groups = Cache()
    private let timeToLive: UInt64
    private let capacity = 4096

    /// - Parameter timeToLiveSeconds: how long a looked-up name (or its absence) is trusted.
    init(timeToLiveSeconds: UInt64 = 60) {
        self.timeToLive = timeToLiveSeconds * 1_000_000_000
    }

    func userName(forID id: String) -> String? {
        guard let uid = UInt32(id) else { return nil }
        if uid == 0 { return "root" }
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        let hit = users.lookup(uid, now: now)
        lock.unlock()
        if let hit { return hit }
        let name = Self.passwdName(uid)  // outside the lock: NSS may be slow (LDAP, sssd)
        lock.lock()
        users.store(uid, name, expires: now + timeToLive, capacity: capacity)
        lock.unlock()
        return name
    }

    func groupName(forID id: String) -> String? {
        guard let gid = UInt32(id) else { return nil }
        if gid == 0 { return "root" }
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        let hit = groups.lookup(gid, now: now)
        lock.unlock()
        if let hit { return hit }
        let name = Self.groupName(gid)
        lock.lock()
        groups.store(gid, name, expires: now + timeToLive, capacity: capacity)
        lock.unlock()
        return name
    }

    func userID(forName name: String) -> String? {
        guard !name.isEmpty, name.utf8.count < 256 else { return nil }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return String(entry.pw_uid)
    }

    func groupID(forName name: String) -> String? {
        guard !name.isEmpty, name.utf8.count < 256 else { return nil }
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return String(entry.gr_gid)
    }

    private static func passwdName(_ uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil,
              let name = entry.pw_name else { return nil }
        return String(cString: name)
    }

    private static func groupName(_ gid: UInt32) -> String? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrgid_r(gid, &entry, &buffer, buffer.count, &result) == 0, result != nil,
              let name = entry.gr_name else { return nil }
        return String(cString: name)
    }
}
