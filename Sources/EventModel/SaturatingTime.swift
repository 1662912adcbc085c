/// Saturating arithmetic for event times (nanoseconds since the epoch) and durations: a hostile or corrupt
/// timestamp near the ends of `Int64` must never trap the daemon, so sums and differences clamp at
/// `Int64.min` / `Int64.max` instead of overflowing.
extension Int64 {
    /// `self + other`, clamped to `Int64.min ... Int64.max`.
    @inlinable
    public func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        guard overflow else { return sum }
        return other > 0 ? .max : .min
    }

    /// `self - other`, clamped to `Int64.min ... Int64.max`.
    @inlinable
    public func saturatingSubtract(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return difference }
        return other < 0 ? .max : .min
    }
}
