#include "b64.h"

#include <string.h>

static const char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t b64_encoded_len(size_t n) { return (n + 2) / 3 * 4; }

size_t b64_encode(const unsigned char *in, size_t n, char *out) {
  size_t i = 0, o = 0;
  for (; i + 3 <= n; i += 3) {
    unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
    out[o++] = kAlphabet[v >> 18 & 63];
    out[o++] = kAlphabet[v >> 12 & 63];
    out[o++] = kAlphabet[v >> 6 & 63];
    out[o++] = kAlphabet[v & 63];
  }
  if (n - i == 1) {
    unsigned v = (unsigned)in[i] << 16;
    out[o++] = kAlphabet[v >> 18 & 63];
    out[o++] = kAlphabet[v >> 12 & 63];
    out[o++] = '=';
    out[o++] = '=';
  } else if (n - i == 2) {
    unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
    out[o++] = kAlphabet[v >> 18 & 63];
    out[o++] = kAlphabet[v >> 12 & 63];
    out[o++] = kAlphabet[v >> 6 & 63];
    out[o++] = '=';
  }
  out[o] = '\0';
  return o;
}

static int value_of(char c) {
  const char *p = c ? strchr(kAlphabet, c) : NULL;
  return p ? (int)(p - kAlphabet) : -1;
}

long b64_decode(const char *in, unsigned char *out) {
  size_t len = strlen(in), o = 0;
  if (len % 4 != 0) return -1;
  for (size_t i = 0; i < len; i += 4) {
    int a = value_of(in[i]), b = value_of(in[i + 1]);
    int c = in[i + 2] == '=' ? 0 : value_of(in[i + 2]);
    int d = in[i + 3] == '=' ? 0 : value_of(in[i + 3]);
    if (a < 0 || b < 0 || c < 0 || d < 0) return -1;
    unsigned v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
    out[o++] = (unsigned char)(v >> 16);
    if (in[i + 2] != '=') out[o++] = (unsigned char)(v >> 8 & 255);
    if (in[i + 3] != '=') out[o++] = (unsigned char)(v & 255);
  }
  return (long)o;
}
