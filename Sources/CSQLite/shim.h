// The system SQLite, as a Swift module. SQLITE_TRANSIENT is a macro Swift cannot import,
// so the shim names it as a function.
#include <sqlite3.h>

static inline sqlite3_destructor_type csqlite_transient(void) { return SQLITE_TRANSIENT; }
