/*
 * Host name.
 *   hostname get [BUFLEN]   prints gethostname()'s result (or its errno)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"

int run_case(FILE *out, int argc, char **argv) {
  if (argc < 1) return 2;
  char buf[300];
  size_t len = argc > 1 ? (size_t)atoi(argv[1]) : sizeof buf;
  if (gethostname(buf, len) < 0) return report_errno(out, "gethostname");
  fprintf(out, "hostname: %s\n", buf);
  return 0;
}
