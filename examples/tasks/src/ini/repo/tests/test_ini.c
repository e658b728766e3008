/* One test case per name: `test_ini NAME` exits 0 when the case passes (ctest runs each). */
#include <stdio.h>
#include <string.h>

#include "../src/ini.h"

static int expect(const Ini *ini, const char *key, const char *want) {
  const char *got = ini_get(ini, key);
  if (got == NULL || strcmp(got, want) != 0) {
    fprintf(stderr, "%s = \"%s\", want \"%s\"\n", key, got ? got : "(missing)", want);
    return 1;
  }
  return 0;
}

static int basic(void) {
  Ini ini;
  if (ini_parse("name = demo\nversion=2\n", &ini) != 0) return 1;
  return expect(&ini, "name", "demo") | expect(&ini, "version", "2");
}

static int sections(void) {
  Ini ini;
  if (ini_parse("; settings\n[server]\nport = 8080\n\n[client]\nport = 9090\n", &ini) != 0) return 1;
  return expect(&ini, "server.port", "8080") | expect(&ini, "client.port", "9090");
}

static int bad_line(void) {
  Ini ini;
  int line = ini_parse("a = 1\nthis is not valid\n", &ini);
  if (line != 2) {
    fprintf(stderr, "error line %d, want 2\n", line);
    return 1;
  }
  return 0;
}

static const struct {
  const char *name;
  int (*run)(void);
} kCases[] = {{"basic", basic}, {"sections", sections}, {"bad_line", bad_line}};

int main(int argc, char **argv) {
  for (size_t i = 0; argc == 2 && i < sizeof kCases / sizeof kCases[0]; ++i) {
    if (strcmp(argv[1], kCases[i].name) == 0) return kCases[i].run();
  }
  fprintf(stderr, "usage: test_ini CASE\n");
  return 2;
}
