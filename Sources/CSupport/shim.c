#include "CSupport.h"
#include <syslog.h>
#include <string.h>

static char hw_ident[64];

void hw_openlog(const char *ident, int option, int facility) {
    strncpy(hw_ident, ident ? ident : "hackwatch", sizeof(hw_ident) - 1);
    hw_ident[sizeof(hw_ident) - 1] = '\0';
    openlog(hw_ident, option, facility);
}
void hw_syslog(int priority, const char *message) { syslog(priority, "%s", message); }
void hw_closelog(void) { closelog(); }
