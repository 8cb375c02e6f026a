#ifndef HACKWATCH_CSUPPORT_H
#define HACKWATCH_CSUPPORT_H
// syslog(3) is variadic; these take a plain message.

/// openlog keeps the ident pointer, so the shim copies it into storage it owns.
void hw_openlog(const char *ident, int option, int facility);
/// Logs `message` verbatim (never as a format string).
void hw_syslog(int priority, const char *message);
void hw_closelog(void);

#endif
