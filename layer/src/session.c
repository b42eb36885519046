/* See session.h. */
#include "session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "intproxy_conn.h"
#include "layer.h"
#include "log.h"
#include "real.h"

#define MAX_ARGS 256

/* Reads /proc/self/cmdline into buf and points argv at its NUL-separated parts. */
static size_t read_cmdline(char *buf, size_t cap, const char **argv, size_t max_args) {
  int fd = REAL(open)("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  size_t len = 0;
  for (;;) {
    ssize_t n = REAL(read)(fd, buf + len, cap - 1 - len);
    if (n <= 0) break;
    len += (size_t)n;
    if (len >= cap - 1) break;
  }
  REAL(close)(fd);
  buf[len] = 0;
  size_t count = 0;
  for (size_t i = 0; i < len && count < max_args;) {
    argv[count++] = buf + i;
    i += strlen(buf + i) + 1;
  }
  return count;
}

static int open_session(int has_parent, uint64_t parent, int loaded, char *err, size_t err_len) {
  char *cmdline = malloc(16384);
  const char *argv[MAX_ARGS];
  size_t argc = cmdline ? read_cmdline(cmdline, 16384, argv, MAX_ARGS) : 0;
  struct process_info info = {
    .pid = (int32_t)getpid(),
    .parent_pid = (int32_t)getppid(),
    .name = layer.exe_name,
    .cmdline = argv,
    .cmdline_len = argc,
    .loaded = loaded,
  };
  uint64_t id;
  int rc = conn_open_session(layer.intproxy_addr, layer.config.socket_timeout_secs, has_parent,
                             parent, &info, &id, err, err_len);
  free(cmdline);
  if (rc == 0) layer.layer_id = id;
  return rc;
}

int session_start(int loaded, char *err, size_t err_len) {
  return open_session(0, 0, loaded, err, err_len);
}

void session_restart_in_child(void) {
  uint64_t parent = layer.layer_id;
  conn_forget_inherited();
  char err[256];
  if (open_session(1, parent, 1, err, sizeof err) < 0)
    LOG_ERR("Cannot open a mirrord session for forked process: %s — its remote operations fail", err);
  else
    LOG_DBG("forked child session %llu (parent %llu)", (unsigned long long)layer.layer_id,
            (unsigned long long)parent);
}
