/*
 * CCrypto: OpenSSL's libcrypto (Debian's libssl-dev) for Swift: HMAC-SHA256, which signs the
 * outputs' webhooks. No logic lives here.
 */
#ifndef CCRYPTO_SHIM_H
#define CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/hmac.h>
#endif
