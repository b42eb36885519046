/*
 * close, __close. Unmanaged fds: libc only. Managed fds: libc's close and forgetting the fd
 * happen under the fd-table lock (so a thread that is handed the same number next cannot be
 * confused with the old record); the last reference of a remote file sends File Close, of an
 * outgoing connection Outgoing Close (how-it-works.md §5.3).
 * The layer's own intproxy connection is never closed by the app: closing it reports success
 * and leaves it open (it is close-on-exec). No allocation on this path (signal handlers close).
 */
#include "file_hooks.h"
#include "hook.h"
#include "intproxy_conn.h"

static int close_with(int (*real_close)(int), int fd) {
  if (guard_active()) return real_close(fd);
  if (fd >= 0 && fd == conn_fd()) return 0;
  if (fd_kind_of(fd) == FD_KIND_NONE) return real_close(fd);
  int saved = guard_enter();
  int rc = fd_table_close(fd, real_close);
  int result_errno = errno;
  guard_leave(saved);
  if (rc < 0) errno = result_errno;
  return rc;
}

int layer_close(int fd) { return close_with(REAL(close), fd); }

LAYER_EXPORT int close(int fd) { return close_with(REAL(close), fd); }

LAYER_EXPORT int __close(int fd) { return close_with(REAL(__close) ? REAL(__close) : REAL(close), fd); }
