// The system SQLite, as a Swift module. SQLITE_TRANSIENT is a macro Swift cannot import,
// so the shim names it as a function.
#include <sqlite3.h>

static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

// sqlite3_config is variadic, which Swift cannot call. Memory statistics cost a global
// mutex on every allocation; the pipeline does not read them.
static inline int csqlite_disable_memory_statistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

// The C library keeps freed memory for reuse; malloc_trim hands what it can back to the
// system (the analysis calls it after the load and between stages). Glibc's Swift module
// does not export <malloc.h>, so the shim does (a no-op without glibc).
#include <stdlib.h>
// Each thread that allocates gets a malloc arena of its own by default, and memory freed in
// one is not reused by another; two arenas keep a million-person run's peak ~25 MiB lower
// at no measured cost in time (the threads allocate little once loading).
#if defined(__GLIBC__)
#include <malloc.h>
static inline int csqlite_release_free_memory(void) { return malloc_trim(0); }
static inline int csqlite_limit_malloc_arenas(int count) { return mallopt(M_ARENA_MAX, count); }
// Blocks from `bytes` up are mapped on their own and unmapped when freed. By default glibc
// raises this threshold to the largest block freed so far (up to 32 MiB), after which the
// pipeline's big arrays live in the heap and their pages stay with the process when freed;
// a fixed 256 KiB kept a million-person run's peak ~25 MiB lower at no measured cost.
static inline int csqlite_fix_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }
#else
static inline int csqlite_release_free_memory(void) { return 0; }
static inline int csqlite_limit_malloc_arenas(int count) { return 0; }
static inline int csqlite_fix_mmap_threshold(int bytes) { return 0; }
#endif
