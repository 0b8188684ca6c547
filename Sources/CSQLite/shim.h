// The system SQLite, as a Swift module. SQLITE_TRANSIENT is a macro Swift cannot import,
// so the shim names it as a function.
#include <sqlite3.h>

static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }

// sqlite3_config is variadic, which Swift cannot call. Memory statistics cost a global
// mutex on every allocation; the pipeline does not read them.
static inline int csqlite_disable_memory_statistics(void) { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
