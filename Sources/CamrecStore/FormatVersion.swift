/// Versions of the on-disk format.
public enum FormatVersion {
    /// The recording (chunk) format version this camrec writes.
    public static let current = 1
    /// camrec's own version.
    public static let camrec = "0.1.0"
}
