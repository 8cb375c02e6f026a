#include "CCrypto.h"
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

// Swift passes NULL for an empty buffer; libcrypto wants a pointer even for zero bytes.
static const unsigned char empty[1] = {0};

int hw_sha256(const unsigned char *data, size_t length, unsigned char *out) {
    unsigned int written = 0;
    if (EVP_Digest(data ? data : empty, length, out, &written, EVP_sha256(), NULL) != 1) return 0;
    return written == 32;
}

int hw_hmac_sha256(const unsigned char *key, size_t key_length, const unsigned char *data, size_t length,
                   unsigned char *out) {
    unsigned int written = 0;
    if (key_length > INT_MAX) return 0;
    if (HMAC(EVP_sha256(), key ? key : empty, (int)key_length, data ? data : empty, length, out, &written) == NULL) return 0;
    return written == 32;
}
