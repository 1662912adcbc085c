// Sets of Unicode scalar values as sorted, disjoint, non-adjacent closed ranges: the alphabet of
// the regex automaton. Surrogates are never input (Swift strings hold scalars), so ranges may span them.

struct ScalarSet: Hashable, Sendable {
    static let maxScalar: UInt32 = 0x10FFFF

    /// Sorted, disjoint, non-adjacent.
    private(set) var ranges: [ClosedRange<UInt32>]

    init() { ranges = [] }

    init(_ scalar: UInt32) { ranges = [scalar...scalar] }

    init(_ range: ClosedRange<UInt32>) { ranges = [range] }

    /// Any ranges; normalized here.
    init<S: Sequence>(ranges input: S) where S.Element == ClosedRange<UInt32> {
        var merged: [ClosedRange<UInt32>] = []
        for r in input.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, r.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        ranges = merged
    }

    static let all = ScalarSet(0...maxScalar)
    static let digit = ScalarSet(0x30...0x39)
    static let space = ScalarSet(ranges: [0x20...0x20, 0x09...0x0A, 0x0D...0x0D])
    static let word = ScalarSet(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])

    var isEmpty: Bool { ranges.isEmpty }

    /// Every scalar not in the set.
    func inverted() -> ScalarSet {
        var out: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for r in ranges {
            if r.lowerBound > next { out.append(next...(r.lowerBound - 1)) }
            next = r.upperBound &+ 1
        }
        if next <= Self.maxScalar { out.append(next...Self.maxScalar) }
        var result = ScalarSet()
        result.ranges = out
        return result
    }

    /// Limit on the non-ASCII scalars examined per set when folding case; beyond it the set is kept as is.
    static let foldScanLimit: UInt32 = 0x30000

    /// The set plus the lowercase form of each member, for case-insensitive matching against lowercased
    /// input (see `CaseFold`). Huge non-ASCII ranges (beyond `foldScanLimit`) are not scanned.
    func addingLowercase() -> ScalarSet {
        var extra: [ClosedRange<UInt32>] = []
        var budget = Self.foldScanLimit
        for r in ranges {
            let upper = r.clamped(to: 0x41...0x5A)
            if r.overlaps(0x41...0x5A) { extra.append((upper.lowerBound | 0x20)...(upper.upperBound | 0x20)) }
            guard r.upperBound >= 0x80 else { continue }
            let start = max(r.lowerBound, 0x80)
            let count = r.upperBound - start + 1
            guard count <= budget else { continue }
            budget -= count
            for v in start...r.upperBound {
                if let lower = CaseFold.lowercaseScalar(v) { extra.append(lower...lower) }
            }
        }
        return extra.isEmpty ? self : ScalarSet(ranges: ranges + extra)
    }
}

/// Case folding shared by the regex parser (pattern) and matcher (input): ASCII letters fold byte-wise,
/// other scalars take their Unicode lowercase mapping, as `CaseFolding.comparable` does for `like~`.
enum CaseFold {
    /// The single-scalar lowercase form of a non-ASCII scalar when it differs; nil otherwise
    /// (unchanged, a surrogate, or a multi-scalar mapping such as İ → i̇).
    static func lowercaseScalar(_ v: UInt32) -> UInt32? {
        guard let scalar = Unicode.Scalar(v), scalar.properties.changesWhenLowercased else { return nil }
        let mapped = scalar.properties.lowercaseMapping.unicodeScalars
        guard mapped.count == 1, let first = mapped.first, first.value != v else { return nil }
        return first.value
    }

    /// The lowercase mapping of one scalar as scalars (the scalar itself when unchanged).
    static func lowercase(_ v: UInt32) -> [UInt32] {
        if v < 0x80 { return [(v &- 0x41) < 26 ? v | 0x20 : v] }
        guard let scalar = Unicode.Scalar(v), scalar.properties.changesWhenLowercased else { return [v] }
        return scalar.properties.lowercaseMapping.unicodeScalars.map(\.value)
    }
}
