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

/// A fixed table of names: for tests, and for `--no-resolve` style use (empty tables).
public struct StaticNameLookup: NameLookup {
    public var users: [String: String]
    public var groups: [String: String]

    public init(users: [String: String] = [:], groups: [String: String] = [:]) {
        self.users = users
        self.groups = groups
    }

    public func userName(forID id: String) -> String? { users[id] }
    public func groupName(forID id: String) -> String? { groups[id] }
    public func userID(forName name: String) -> String? { users.first { $0.value == name }?.key }
    public func groupID(forName name: String) -> String? { groups.first { $0.value == name }?.key }
}

/// The system user database (NSS via `getpwuid_r`/`getgrgid_r`), cached per id for a minute with negative
/// results cached too, as go-libaudit's `id_lookup.go` does; `0` is always `root`. Thread-safe.
public final class SystemNameLookup: NameLookup, @unchecked Sendable {
    private struct Entry { var name: String?; var expires: UInt64 }
    private let lock = NSLock()
    private var users: [UInt32: Entry] = [:]
    private var groups: [UInt32: Entry] = [:]
    private let timeToLive: UInt64
    /// Cache bound per table; the table is cleared when full (ids on one host are few).
    private let capacity = 4096

    /// - Parameter timeToLiveSeconds: how long a looked-up name (or its absence) is trusted.
    public init(timeToLiveSeconds: UInt64 = 60) {
        self.timeToLive = timeToLiveSeconds * 1_000_000_000
    }

    public func userName(forID id: String) -> String? {
        guard let uid = UInt32(id) else { return nil }
        if uid == 0 { return "root" }
        return cached(uid, in: \.users) { uid in
            var entry = passwd()
            var result: UnsafeMutablePointer<passwd>?
            var buffer = [CChar](repeating: 0, count: 4096)
            guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil,
                  let name = entry.pw_name else { return nil }
            return String(cString: name)
        }
    }

    public func groupName(forID id: String) -> String? {
        guard let gid = UInt32(id) else { return nil }
        if gid == 0 { return "root" }
        return cached(gid, in: \.groups) { gid in
            var entry = group()
            var result: UnsafeMutablePointer<group>?
            var buffer = [CChar](repeating: 0, count: 4096)
            guard getgrgid_r(gid, &entry, &buffer, buffer.count, &result) == 0, result != nil,
                  let name = entry.gr_name else { return nil }
            return String(cString: name)
        }
    }

    public func userID(forName name: String) -> String? {
        guard !name.isEmpty, name.utf8.count < 256 else { return nil }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return String(entry.pw_uid)
    }

    public func groupID(forName name: String) -> String? {
        guard !name.isEmpty, name.utf8.count < 256 else { return nil }
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return String(entry.gr_gid)
    }

    private func cached(_ id: UInt32, in table: ReferenceWritableKeyPath<SystemNameLookup, [UInt32: Entry]>,
                        resolve: (UInt32) -> String?) -> String?
    {
        let now = DispatchTime.now().uptimeNanoseconds
        lock.lock()
        if let entry = self[keyPath: table][id], entry.expires > now {
            lock.unlock()
            return entry.name
        }
        lock.unlock()
        let name = resolve(id)  // outside the lock: NSS may be slow (LDAP, sssd)
        lock.lock()
        if self[keyPath: table].count >= capacity { self[keyPath: table].removeAll(keepingCapacity: true) }
        self[keyPath: table][id] = Entry(name: name, expires: now + timeToLive)
        lock.unlock()
        return name
    }
}
