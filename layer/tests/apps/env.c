/*
 * Environment as the process sees it.
 *   env show NAME...   prints NAME=value or NAME unset
 */
#include <stdlib.h>

#include "scenario.h"

int run_case(FILE *out, int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *v = getenv(argv[i]);
    if (v) fprintf(out, "%s=%s\n", argv[i], v);
    else fprintf(out, "%s unset\n", argv[i]);
  }
  return 0;
}
