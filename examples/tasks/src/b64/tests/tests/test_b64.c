/* Test cases, one per name: `./test_b64 NAME` exits 0 when the case passes. */
#include <stdio.h>
#include <string.h>

#include "../src/b64.h"

static int expect_encode(const char *in, const char *want) {
  char out[256];
  b64_encode((const unsigned char *)in, strlen(in), out);
  if (strcmp(out, want) != 0) {
    fprintf(stderr, "encode(\"%s\") = \"%s\", want \"%s\"\n", in, out, want);
    return 1;
  }
  return 0;
}

static int expect_decode(const char *in, const char *want) {
  unsigned char out[256];
  long n = b64_decode(in, out);
  if (n != (long)strlen(want) || memcmp(out, want, (size_t)n) != 0) {
    fprintf(stderr, "decode(\"%s\") gave %ld bytes, want \"%s\"\n", in, n, want);
    return 1;
  }
  return 0;
}

static int encode_empty(void) { return expect_encode("", ""); }
static int encode_full_groups(void) { return expect_encode("foobar", "Zm9vYmFy"); }
static int encode_one_left(void) { return expect_encode("foob", "Zm9vYg=="); }
static int decode_padded(void) { return expect_decode("Zm9vYg==", "foob"); }
static int encode_two_left(void) { return expect_encode("fooba", "Zm9vYmE="); }
static int roundtrip_two_left(void) {
  char enc[16];
  unsigned char dec[16];
  b64_encode((const unsigned char *)"hi", 2, enc);
  long n = b64_decode(enc, dec);
  if (n != 2 || memcmp(dec, "hi", 2) != 0) {
    fprintf(stderr, "\"hi\" encoded as \"%s\" decodes to %ld bytes\n", enc, n);
    return 1;
  }
  return 0;
}
static int decode_rejects_garbage(void) {
  unsigned char out[16];
  return b64_decode("Zm9*", out) == -1 ? 0 : 1;
}

static const struct {
  const char *name;
  int (*run)(void);
} kCases[] = {
    {"encode_empty", encode_empty},
    {"encode_full_groups", encode_full_groups},
    {"encode_one_left", encode_one_left},
    {"decode_padded", decode_padded},
    {"decode_rejects_garbage", decode_rejects_garbage},
    {"encode_two_left", encode_two_left},
    {"roundtrip_two_left", roundtrip_two_left},
};

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s CASE\n", argv[0]);
    return 2;
  }
  for (size_t i = 0; i < sizeof kCases / sizeof kCases[0]; ++i) {
    if (strcmp(argv[1], kCases[i].name) == 0) return kCases[i].run();
  }
  fprintf(stderr, "no test case named %s\n", argv[1]);
  return 2;
}
