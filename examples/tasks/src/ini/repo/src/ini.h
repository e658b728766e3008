/* ini: a small INI file reader. Sections in [brackets], "key = value" pairs, comments on lines
   starting with ';' or '#'. Keys are looked up as "section.key" (or "key" before any section). */
#ifndef INI_H
#define INI_H

#include <stddef.h>

#define INI_MAX_ENTRIES 64
#define INI_MAX_TEXT 128

typedef struct {
  char key[INI_MAX_TEXT];   /* "section.key" */
  char value[INI_MAX_TEXT];
} IniEntry;

typedef struct {
  IniEntry entries[INI_MAX_ENTRIES];
  size_t count;
} Ini;

/* Parses `text`. Returns 0, or the 1-based number of the first line that is not valid. */
int ini_parse(const char *text, Ini *ini);

/* The value of "section.key", or NULL. */
const char *ini_get(const Ini *ini, const char *key);

#endif
