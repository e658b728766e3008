/* b64: Base64 encoding and decoding (RFC 4648, standard alphabet, with padding). */
#ifndef B64_H
#define B64_H

#include <stddef.h>

/* Length of the encoded form of `n` bytes, without the terminating NUL. */
size_t b64_encoded_len(size_t n);

/* Encodes `n` bytes of `in` into `out`, which must hold b64_encoded_len(n) + 1 bytes.
   Returns the number of characters written (the terminating NUL not counted). */
size_t b64_encode(const unsigned char *in, size_t n, char *out);

/* Decodes the NUL-terminated `in` into `out` (at least 3 * strlen(in) / 4 bytes).
   Returns the number of bytes written, or -1 when `in` is not valid Base64. */
long b64_decode(const char *in, unsigned char *out);

#endif
