#ifndef HACKWATCH_CCURL_H
#define HACKWATCH_CCURL_H
// Typed wrappers around libcurl's variadic setopt/getinfo, which Swift cannot call.
#include <curl/curl.h>
#include <stddef.h>

typedef size_t (*hw_curl_write_cb)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*hw_curl_xferinfo_cb)(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);

CURLcode hw_curl_setopt_long(CURL *h, CURLoption opt, long value);
CURLcode hw_curl_setopt_off(CURL *h, CURLoption opt, curl_off_t value);
CURLcode hw_curl_setopt_string(CURL *h, CURLoption opt, const char *value);
CURLcode hw_curl_setopt_pointer(CURL *h, CURLoption opt, void *value);
CURLcode hw_curl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value);
CURLcode hw_curl_setopt_write_function(CURL *h, CURLoption opt, hw_curl_write_cb cb);
CURLcode hw_curl_setopt_xferinfo_function(CURL *h, hw_curl_xferinfo_cb cb);
typedef int (*hw_curl_prereq_cb)(void *userdata, char *primary_ip, char *local_ip, int primary_port, int local_port);
/// CURLOPT_PREREQFUNCTION (libcurl 7.80+): called before each request goes out, retries included.
CURLcode hw_curl_setopt_prereq_function(CURL *h, hw_curl_prereq_cb cb, void *userdata);

CURLcode hw_curl_getinfo_long(CURL *h, CURLINFO info, long *out);
CURLcode hw_curl_getinfo_double(CURL *h, CURLINFO info, double *out);
CURLcode hw_curl_getinfo_string(CURL *h, CURLINFO info, const char **out);

/// Ignores SIGPIPE process-wide (libcurl may write to a closed socket).
void hw_ignore_sigpipe(void);

#endif
