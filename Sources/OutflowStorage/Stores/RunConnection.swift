// The connection settings a run changes between its stages, behind names so the pipeline
// says what it wants (a small cache for front-to-back reads, memory handed back, the WAL
// copied early) without holding PRAGMA text. Why each pays is in docs/performance.md.

/// Per-stage connection settings of a run.
extension Database {
    /// A 4 MiB page cache: the analysis reads tables front to back, so the load's 32 MiB
    /// would only hold pages nobody reads again.
    package func useScanCache() throws {
        try execute("PRAGMA cache_size = -4096")
    }

    /// Frees SQLite's page cache beyond what is in use; lowering `cache_size` alone keeps
    /// the pages already cached.
    package func shrinkMemory() throws {
        try execute("PRAGMA shrink_memory")
    }

    /// Copies what the WAL holds into the database file without waiting for readers or
    /// writers, so the final truncating checkpoint has little left to do.
    package func checkpointPassively() throws {
        try execute("PRAGMA wal_checkpoint(PASSIVE)")
    }
}
