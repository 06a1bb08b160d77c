/// Sums and differences of values read from a recording's index (timestamps, counts). The index
/// is a file anyone can edit, so Int64.min and Int64.max are possible there; these stop at the
/// ends of Int64 instead of trapping on overflow the way `+` and `-` do.
extension Int64 {
    /// `self + other`, or Int64.min / Int64.max when the sum does not fit.
    public func saturatingAdding(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// `self - other`, or Int64.min / Int64.max when the difference does not fit.
    public func saturatingSubtracting(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : difference
    }

    /// `|self - other|` as a UInt64, which always holds it.
    public func absoluteDifference(from other: Int64) -> UInt64 {
        self >= other ? UInt64(bitPattern: self &- other) : UInt64(bitPattern: other &- self)
    }
}
