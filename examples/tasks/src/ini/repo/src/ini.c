#include "ini.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Copies [begin, end) into `out` without surrounding blanks. */
static void copy_trimmed(const char *begin, const char *end, char *out) {
  while (begin < end && isspace((unsigned char)*begin)) begin++;
  while (end > begin && isspace((unsigned char)end[-1])) end--;
  size_t n = (size_t)(end - begin);
  if (n >= INI_MAX_TEXT) n = INI_MAX_TEXT - 1;
  memcpy(out, begin, n);
  out[n] = '\0';
}

static int parse_line(const char *line, const char *end, char *section, Ini *ini) {
  while (line < end && isspace((unsigned char)*line)) line++;
  if (line == end || *line == ';' || *line == '#') return 0;
  if (*line == '[') {
    const char *close = memchr(line, ']', (size_t)(end - line));
    if (close == NULL) return -1;
    copy_trimmed(line + 1, close, section);
    return 0;
  }
  const char *eq = memchr(line, '=', (size_t)(end - line));
  if (eq == NULL || ini->count == INI_MAX_ENTRIES) return -1;
  IniEntry *e = &ini->entries[ini->count++];
  char key[INI_MAX_TEXT];
  copy_trimmed(line, eq, key);
  if (section[0] != '\0') {
    snprintf(e->key, sizeof e->key, "%.60s.%.60s", section, key);
  } else {
    snprintf(e->key, sizeof e->key, "%s", key);
  }
  copy_trimmed(eq + 1, end, e->value);
  return 0;
}

int ini_parse(const char *text, Ini *ini) {
  char section[INI_MAX_TEXT] = "";
  int number = 1;
  ini->count = 0;
  while (*text != '\0') {
    const char *end = strchr(text, '\n');
    if (end == NULL) end = text + strlen(text);
    if (parse_line(text, end, section, ini) != 0) return number;
    text = *end == '\n' ? end + 1 : end;
    number++;
  }
  return 0;
}

const char *ini_get(const Ini *ini, const char *key) {
  /* A key given twice keeps its last value. */
  for (size_t i = ini->count; i > 0; --i) {
    if (strcmp(ini->entries[i - 1].key, key) == 0) return ini->entries[i - 1].value;
  }
  return NULL;
}
