/*
 * stdio on top of the file hooks.
 *   stdio OP PATH [TEXT]
 * OP: fgets (fopen + fgets lines), fread (fopen64 + fread), fprintf (fopen "w" + fprintf + fclose,
 *     then read back), fileno (fstat(fileno(f))), fseek (fseek + ftell + fgets), freopen (freopen
 *     stdin then read it)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "scenario.h"

int run_case(FILE *out, int argc, char **argv) {
  if (argc < 2) return 2;
  const char *op = argv[0], *path = argv[1];
  char line[512];
  if (!strcmp(op, "fprintf")) {
    FILE *f = fopen(path, "w");
    if (!f) return report_errno(out, "fopen");
    fprintf(f, "%s", argc > 2 ? argv[2] : "");
    if (fclose(f) != 0) return report_errno(out, "fclose");
  }
  if (!strcmp(op, "freopen")) {
    if (!freopen(path, "r", stdin)) return report_errno(out, "freopen");
    while (fgets(line, sizeof line, stdin)) fprintf(out, "line: %s", line);
    return 0;
  }
  FILE *f = !strcmp(op, "fread") ? fopen64(path, "rb") : fopen(path, "re");
  if (!f) return report_errno(out, "fopen");
  if (!strcmp(op, "fread")) {
    size_t n = fread(line, 1, sizeof line - 1, f);
    line[n] = 0;
    fprintf(out, "read: %s\n", line);
  } else if (!strcmp(op, "fileno")) {
    struct stat st;
    if (fstat(fileno(f), &st) < 0) return report_errno(out, "fstat");
    fprintf(out, "size: %lld\n", (long long)st.st_size);
  } else if (!strcmp(op, "fseek")) {
    if (fseek(f, 2, SEEK_SET) != 0) return report_errno(out, "fseek");
    fprintf(out, "tell: %ld\n", ftell(f));
    if (fgets(line, sizeof line, f)) fprintf(out, "line: %s", line);
  } else {
    while (fgets(line, sizeof line, f)) fprintf(out, "line: %s", line);
  }
  if (ferror(f)) return report_errno(out, "stdio");
  fclose(f);
  return 0;
}
