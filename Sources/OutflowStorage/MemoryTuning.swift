// The C library's allocator settings a run relies on, behind names (the calls live in the
// CSQLite shim, which this target alone imports). Why each one pays is measured in
// docs/performance.md: two arenas and a fixed mmap threshold keep a million-person run's
// peak about 50 MiB lower; trimming hands freed memory back between stages.

import CSQLite

/// Process-wide memory settings for a pipeline run.
public enum MemoryTuning {
    /// Two malloc arenas and a fixed 256 KiB mmap threshold. Call before any thread starts.
    public static func prepareProcess() {
        _ = csqlite_limit_malloc_arenas(2)
        _ = csqlite_fix_mmap_threshold(256 << 10)
    }

    /// Hands what the C library holds of freed allocations back to the system.
    public static func releaseFreeMemory() {
        _ = csqlite_release_free_memory()
    }
}
