#ifndef HACKWATCH_CLIBPQ_H
#define HACKWATCH_CLIBPQ_H
// libpq (Debian libpq-dev): the PostgreSQL client library. Its header path comes from
// pkg-config (libpq); every call hackwatch makes is a plain, non-variadic C function.
#include <libpq-fe.h>
#endif
