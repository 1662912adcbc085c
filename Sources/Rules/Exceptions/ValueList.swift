import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A Kibana value list an exception entry of type `list` refers to (`"list": {"id": "ci-subnets.txt", "type":
/// "ip_range"}`). Its values are not in the exception export; auspex reads them from the file named like the list id,
/// beside the exception file that refers to it (`<dir>/<id>`, else `<dir>/<id>.txt` for an id without a dot), one
/// value per line: the format Kibana's lists API exports a value list in, and the one it imports (it names an
/// imported list after the uploaded file, so `ci-subnets.txt` keeps its id both ways). Empty lines and surrounding
/// blanks are ignored.
///
/// Like Kibana's EQL rules, only `keyword`, `ip` and `ip_range` lists of at most 65,536 values (at most 200 `a-b`
/// ranges) apply; an item using another is not applied, with a warning.
struct ValueList: Sendable, Hashable {
    var id: String
    /// `keyword`, `ip` or `ip_range`.
    var type: String
    var path: String
    var values: [String]
    /// For `ip` and `ip_range` lists, each value as an address range.
    var ranges: [IPRange]

    enum LoadError: Error, Sendable {
        /// Kibana would skip the list (type, size): the item is not applied.
        case notApplied(String)
        /// The reference or the file is wrong: an error.
        case invalid(String)
    }

    static let maxValues = 65_536
    static let maxDashRanges = 200
    static let knownTypes: Set<String> = [
        "binary", "boolean", "byte", "date", "date_nanos", "date_range", "double", "double_range", "float", "float_range",
        "geo_point", "geo_shape", "half_float", "integer", "integer_range", "ip", "ip_range", "keyword", "long",
        "long_range", "shape", "short", "text",
    ]

    /// Reads the list `id` of `type` beside `file` (the exception file naming it).
    static func load(id: String, type: String, besideFile file: String,
                            strict: Bool = true) -> Result<ValueList, LoadError> {
        guard !id.isEmpty, !id.contains("/"), id != ".", id != "..", !id.contains("\0") else {
            return .failure(.invalid("value list id '\(id)' cannot name a file (no '/', not '.' or '..')"))
        }
        guard knownTypes.contains(type) else { return .failure(.invalid("unknown value list type '\(type)'")) }
        guard ["keyword", "ip", "ip_range"].contains(type) else {
            return .failure(.notApplied("value list '\(id)' is of type \(type); EQL rules apply only keyword, ip and ip_range lists"))
        }
        let directory = (file as NSString).deletingLastPathComponent
        let base = directory.isEmpty ? id : directory + "/" + id
        var candidates = [base]
        if !id.contains(".") { candidates.append(base + ".txt") }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            return .failure(.invalid("value list '\(id)' not found: expected \(candidates.joined(separator: " or ")), one value per line"))
        }
        let data: [UInt8]
        switch TrustedFileReader.read(path, maxBytes: ExceptionLists.maxFileBytes, strict: strict) {
        case .success(let bytes): data = bytes
        case .failure(let failure): return .failure(.invalid("value list \(path): \(failure)"))
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return .failure(.invalid("value list \(path) is not valid UTF-8"))
        }
        let values = text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
        if values.count > maxValues {
            return .failure(.notApplied("value list '\(id)' has \(values.count) values, more than the \(maxValues) EQL rules apply"))
        }
        var ranges: [IPRange] = []
        if type != "keyword" {
            var dashRanges = 0
            for value in values {
                let range = type == "ip" ? IPRange.address(value).map { IPRange(lower: $0, upper: $0) } : IPRange.parse(value)
                guard let range else {
                    return .failure(.invalid("value list \(path): '\(value)' is not an \(type == "ip" ? "IP address" : "IP address, CIDR block or a-b range")"))
                }
                if value.contains("-") { dashRanges += 1 }
                ranges.append(range)
            }
            if dashRanges > maxDashRanges {
                return .failure(.notApplied("value list '\(id)' has \(dashRanges) a-b ranges, more than the \(maxDashRanges) EQL rules apply"))
            }
        }
        return .success(ValueList(id: id, type: type, path: path, values: values, ranges: ranges))
    }
}

/// An inclusive range of IP addresses, as 16 bytes (IPv4 as `::ffff:a.b.c.d`, so both families compare in one order).
struct IPRange: Sendable, Hashable {
    var lower: [UInt8]
    var upper: [UInt8]

    init(lower: [UInt8], upper: [UInt8]) {
        self.lower = lower
        self.upper = upper
    }

    func contains(_ address: [UInt8]) -> Bool {
        !address.lexicographicallyPrecedes(lower) && !upper.lexicographicallyPrecedes(address)
    }

    /// `a.b.c.d`, an IPv6 address, `addr/prefix` or `first-last`.
    static func parse(_ text: String) -> IPRange? {
        if let dash = text.firstIndex(of: "-") {
            guard let lower = address(String(text[..<dash]).trimmingCharacters(in: .whitespaces)),
                  let upper = address(String(text[text.index(after: dash)...]).trimmingCharacters(in: .whitespaces)),
                  !upper.lexicographicallyPrecedes(lower) else { return nil }
            return IPRange(lower: lower, upper: upper)
        }
        if let slash = text.firstIndex(of: "/") {
            let host = String(text[..<slash])
            guard let base = address(host), let bits = Int(text[text.index(after: slash)...]) else { return nil }
            let isV4 = !host.contains(":")
            guard bits >= 0, bits <= (isV4 ? 32 : 128) else { return nil }
            let prefix = isV4 ? 96 + bits : bits
            var lower = base, upper = base
            for bit in prefix ..< 128 {
                lower[bit / 8] &= ~(UInt8(0x80) >> UInt8(bit % 8))
                upper[bit / 8] |= UInt8(0x80) >> UInt8(bit % 8)
            }
            return IPRange(lower: lower, upper: upper)
        }
        return address(text).map { IPRange(lower: $0, upper: $0) }
    }

    /// The 16-byte form of an IPv4 or IPv6 address, or nil.
    static func address(_ text: String) -> [UInt8]? {
        if text.contains(":") {
            var v6 = in6_addr()
            guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        var v4 = in_addr()
        guard inet_pton(AF_INET, text, &v4) == 1 else { return nil }
        return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff] + withUnsafeBytes(of: &v4) { Array($0) }
    }
}
