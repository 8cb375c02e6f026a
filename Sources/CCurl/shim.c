#include "CCurl.h"
#include <signal.h>

CURLcode hw_curl_setopt_long(CURL *h, CURLoption opt, long value) { return curl_easy_setopt(h, opt, value); }
CURLcode hw_curl_setopt_off(CURL *h, CURLoption opt, curl_off_t value) { return curl_easy_setopt(h, opt, value); }
CURLcode hw_curl_setopt_string(CURL *h, CURLoption opt, const char *value) { return curl_easy_setopt(h, opt, value); }
CURLcode hw_curl_setopt_pointer(CURL *h, CURLoption opt, void *value) { return curl_easy_setopt(h, opt, value); }
CURLcode hw_curl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value) { return curl_easy_setopt(h, opt, value); }
CURLcode hw_curl_setopt_write_function(CURL *h, CURLoption opt, hw_curl_write_cb cb) { return curl_easy_setopt(h, opt, cb); }
CURLcode hw_curl_setopt_xferinfo_function(CURL *h, hw_curl_xferinfo_cb cb) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, cb); }

CURLcode hw_curl_setopt_prereq_function(CURL *h, hw_curl_prereq_cb cb, void *userdata) {
    CURLcode code = curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, cb);
    return code != CURLE_OK ? code : curl_easy_setopt(h, CURLOPT_PREREQDATA, userdata);
}

CURLcode hw_curl_getinfo_long(CURL *h, CURLINFO info, long *out) { return curl_easy_getinfo(h, info, out); }
CURLcode hw_curl_getinfo_double(CURL *h, CURLINFO info, double *out) { return curl_easy_getinfo(h, info, out); }
CURLcode hw_curl_getinfo_string(CURL *h, CURLINFO info, const char **out) { return curl_easy_getinfo(h, info, out); }

void hw_ignore_sigpipe(void) { signal(SIGPIPE, SIG_IGN); }
