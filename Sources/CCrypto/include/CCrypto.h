#ifndef HACKWATCH_CCRYPTO_H
#define HACKWATCH_CCRYPTO_H
// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto (already loaded by libcurl), so hackwatch
// carries no hand-written cryptography. The OpenSSL headers stay in shim.c.
#include <stddef.h>

/// SHA-256 of `data` into `out` (32 bytes). Returns 1 on success, 0 on failure.
int hw_sha256(const unsigned char *data, size_t length, unsigned char *out);

/// HMAC-SHA256 of `data` under `key` into `out` (32 bytes). Returns 1 on success, 0 on failure.
int hw_hmac_sha256(const unsigned char *key, size_t key_length, const unsigned char *data, size_t length,
                   unsigned char *out);

#endif
