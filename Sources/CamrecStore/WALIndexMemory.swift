/// Where SQLite keeps the wal-index of a recording's index (the map from pages to their newest
/// copy in `index.sqlite-wal`). SQLite's WAL mode normally shares it between connections in a
/// memory-mapped `-shm` file; network and virtual file systems (NFS, SMB, 9p) cannot map that,
/// and the first write fails with "disk I/O error". In exclusive locking mode SQLite keeps the
/// wal-index in the heap of the one connection instead and never touches `-shm`
/// (https://www.sqlite.org/wal.html, "Use of WAL Without Shared-Memory"): the log, its crash
/// safety and its speed stay, but no other connection can read the index while the recorder has
/// it open.
public enum WALIndexMemory: String, Sendable {
    /// The `-shm` file: readers (`camrec info`) can open a recording while it is being made.
    case sharedMemory
    /// The heap of the one connection that holds the index in exclusive locking mode.
    case exclusiveHeap

    /// Whether an error at a WAL connection's first transaction means the file system cannot
    /// give SQLite shared memory: an I/O error (SQLITE_IOERR_SHMMAP, _SHMOPEN, _SHMSIZE,
    /// _SHMLOCK, or a plain SQLITE_IOERR from a file system that fails the mapping its own way)
    /// or SQLITE_CANTOPEN of `-shm`. A genuine disk error fails the exclusive attempt that
    /// follows too, and that error is the one reported.
    static func isSharedMemoryFailure(extendedCode: Int32) -> Bool {
        let primary = extendedCode & 0xff
        return primary == 10 /* SQLITE_IOERR */ || primary == 14 /* SQLITE_CANTOPEN */
    }
}
