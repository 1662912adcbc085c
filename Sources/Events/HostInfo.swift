import EventModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the host that every document carries (`host.id`, `host.name`, `host.os.type`), as Elastic Agent's
/// `add_host_metadata` processor sets them. Read once at start-up; tests pass fixed values.
public struct HostInfo: Sendable, Hashable {
    /// `host.id`: the machine id (`/etc/machine-id`), or nil when unreadable (the field is then absent).
    var id: String?
    /// `host.name` and `host.hostname`: the hostname (not the FQDN, as Beats without `features.fqdn`).
    var name: String?

    public init(id: String?, name: String?) {
        self.id = id
        self.name = name
    }

    /// The `host.*` fields, in document order: the one definition events (the normalizer), rule alerts and the
    /// blind-spot alert all take them from.
    var fields: [(field: ECSField, value: FieldValue)] {
        var fields: [(field: ECSField, value: FieldValue)] = []
        if let id { fields.append((.hostId, .string(id))) }
        if let name {
            fields.append((.hostName, .string(name)))
            fields.append((.hostHostname, .string(name)))
        }
        fields.append((.hostOsType, "linux"))
        return fields
    }

    /// ``fields`` with names relative to `host.` (`id`, `name`, `hostname`, `os.type`), as an alert's `host`.
    public var document: Document {
        Document(fields: fields.map { (String($0.field.name.dropFirst("host.".count)), $0.value) })
    }

    /// Reads the machine id (`/etc/machine-id`, else `/var/lib/dbus/machine-id`) and the hostname; `id` and `name`,
    /// when given (`[host]` in auspex.toml), are used instead.
    public static func current(id: String? = nil, name: String? = nil) -> HostInfo {
        let machineID = readFirstLine("/etc/machine-id") ?? readFirstLine("/var/lib/dbus/machine-id")
        return HostInfo(id: id ?? machineID, name: name ?? hostname())
    }

    /// The first line of a small text file, trimmed; nil when missing or empty.
    static func readFirstLine(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let line = String(decoding: bytes, as: UTF8.self).trimmingASCIIWhitespace()
        return line.isEmpty ? nil : line
    }

    static func hostname() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let name = String(decoding: bytes, as: UTF8.self)
        return name.isEmpty ? nil : name
    }
}

extension String {
    func trimmingASCIIWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
