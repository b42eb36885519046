/* See log.h. Raw syscalls keep logging usable before the real-function table exists. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int log_fd = 2;
static int log_threshold = LOG_WARN;

static int level_from_filter(const char *filter) {
  if (!filter || !*filter) return LOG_WARN;
  if (strstr(filter, "trace")) return LOG_TRACE;
  if (strstr(filter, "debug")) return LOG_DEBUG;
  if (strstr(filter, "info")) return LOG_INFO;
  if (strstr(filter, "warn")) return LOG_WARN;
  if (strstr(filter, "error")) return LOG_ERROR;
  if (strstr(filter, "off")) return 0;
  return LOG_WARN;
}

void log_init(void) {
  log_threshold = level_from_filter(getenv("MIRRORD_LOG"));
  const char *path = getenv("MIRRORD_LAYER_LOG_PATH");
  if (path && *path) {
    long fd = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      if (log_fd != 2) syscall(SYS_close, log_fd);
      log_fd = (int)fd;
    }
  }
}

int log_enabled(enum log_level level) { return (int)level <= log_threshold; }

static const char *level_name(enum log_level level) {
  switch (level) {
    case LOG_ERROR: return "ERROR";
    case LOG_WARN: return "WARN";
    case LOG_INFO: return "INFO";
    case LOG_DEBUG: return "DEBUG";
    default: return "TRACE";
  }
}

void layer_log(enum log_level level, const char *fmt, ...) {
  if (!log_enabled(level)) return;
  int saved_errno = errno;
  char line[1024];
  int n = snprintf(line, sizeof line, "[layer] %s %ld: ", level_name(level), (long)syscall(SYS_getpid));
  if (n < 0) n = 0;
  va_list ap;
  va_start(ap, fmt);
  int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
  va_end(ap);
  if (m < 0) m = 0;
  size_t len = (size_t)n + (size_t)m;
  if (len > sizeof line - 2) len = sizeof line - 2;
  line[len++] = '\n';
  syscall(SYS_write, log_fd, line, len);
  errno = saved_errno;
}
