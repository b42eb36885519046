/*
 * libscenario_ctor.so: linked into every test app as a DT_NEEDED library. Its constructor runs
 * before the preloaded layer's own constructor, so with SCENARIO_MODE=ctor the app's case runs
 * while the layer has not initialised yet: the hooks must initialise it lazily.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef int (*run_case_fn)(FILE *, int, char **);

__attribute__((constructor)) static void scenario_ctor(void) {
  const char *mode = getenv("SCENARIO_MODE");
  if (!mode || strcmp(mode, "ctor")) return;
  static char buf[8192];
  static char *argv[64];
  /* raw syscalls: the first hooked call must be the case's own */
  long fd = syscall(SYS_openat, AT_FDCWD, "/proc/self/cmdline", O_RDONLY);
  ssize_t len = fd >= 0 ? (ssize_t)syscall(SYS_read, fd, buf, sizeof buf - 1) : -1;
  if (fd >= 0) syscall(SYS_close, fd);
  if (len <= 0) _exit(98);
  int argc = 0;
  for (ssize_t i = 0; i < len && argc < 63; i += (ssize_t)strlen(buf + i) + 1) argv[argc++] = buf + i;
  run_case_fn run = (run_case_fn)dlsym(RTLD_DEFAULT, "run_case");
  if (!run) _exit(97);
  printf("[ctor]\n");
  int rc = run(stdout, argc - 1, argv + 1);
  fflush(stdout);
  _exit(rc);
}
