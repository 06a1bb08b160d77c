import Foundation

/// A recording written beside the one it replaces (`record --force`, `replay --capture-to
/// --force`), in a hidden sibling folder, and moved into its place only once it holds a committed
/// buffer. Until then the previous recording is untouched, byte for byte: a device that fails to
/// start, or a run that captures nothing, leaves it as it was and the sibling is removed.
///
/// Why at the first committed buffer and not at the end: from that moment the new recording is
/// something worth keeping, and the crash promise (a killed recorder loses at most the open chunk,
/// `camrec recover` gets the rest back) must hold at the path the user asked for, not in a hidden
/// folder they do not know of. Waiting for the end would also keep two recordings on the disk for
/// the whole run.
struct RecordingReplacement {
    /// Where the new recording goes in the end (the previous recording is there until the swap).
    let finalPath: String
    /// The hidden sibling the new recording is written to until the swap.
    let stagingPath: String

    /// Creates the hidden sibling folder `.NAME.replacing-PID` next to `path`.
    static func begin(replacing path: String) throws(StoreError) -> RecordingReplacement {
        let stagingPath = siblingPath(of: path, purpose: "replacing")
        if mkdir(stagingPath, 0o755) != 0 {
            throw .io(operation: "create the new recording beside the one it replaces", path: stagingPath, errno: errno)
        }
        return RecordingReplacement(finalPath: path, stagingPath: stagingPath)
    }

    /// Moves the previous recording aside, the new one into its place, then removes the previous
    /// one. The moment between the two renames is the only one in which `finalPath` is missing;
    /// a crash there leaves both recordings intact under their hidden names. (Linux's
    /// renameat2(RENAME_EXCHANGE) would close that gap, but NFS and 9p, where people record too,
    /// do not offer it.)
    func swapIn() throws(StoreError) {
        let previousPath = Self.siblingPath(of: finalPath, purpose: "replaced")
        if rename(finalPath, previousPath) != 0 {
            throw .io(operation: "move the previous recording aside to", path: previousPath, errno: errno)
        }
        if rename(stagingPath, finalPath) != 0 {
            let error = errno
            _ = rename(previousPath, finalPath)  // Puts the previous recording back: nothing replaced.
            throw .io(operation: "move the new recording from \(stagingPath) to", path: finalPath, errno: error)
        }
        try syncDirectory(Self.parent(of: finalPath))
        // The previous recording has been replaced; failing to delete its files now (a busy NFS
        // file) leaves a hidden folder behind, not a wrong recording.
        try? FileManager.default.removeItem(atPath: previousPath)
    }

    /// Removes the new recording: it never took the previous one's place.
    func discard() {
        try? FileManager.default.removeItem(atPath: stagingPath)
    }

    private static func parent(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    private static func siblingPath(of path: String, purpose: String) -> String {
        let name = (path as NSString).lastPathComponent
        return parent(of: path) + "/.\(name).\(purpose)-\(getpid())"
    }
}
