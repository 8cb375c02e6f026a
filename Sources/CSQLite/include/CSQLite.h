#ifndef HACKWATCH_CSQLITE_H
#define HACKWATCH_CSQLITE_H
#include <sqlite3.h>

/// Binds a copy of the text (SQLITE_TRANSIENT), which Swift cannot spell.
int hw_sqlite3_bind_text(sqlite3_stmt *stmt, int index, const char *text, int length);
/// Binds a copy of the blob (SQLITE_TRANSIENT).
int hw_sqlite3_bind_blob(sqlite3_stmt *stmt, int index, const void *data, int length);

#endif
