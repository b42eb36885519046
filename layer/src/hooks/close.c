/*
 * close, __close. Always calls libc first, then forgets the fd: the last reference of a remote
 * file sends File Close, of an outgoing connection Outgoing Close (how-it-works.md §5.3).
 * The layer's own intproxy connection is never closed by the app: closing it reports success
 * and leaves it open (it is close-on-exec). No allocation on this path (signal handlers close).
 */
#include "file_hooks.h"
#include "hook.h"
#include "intproxy_conn.h"

static int close_with(int (*real_close)(int), int fd) {
  if (guard_active()) return real_close(fd);
  if (fd >= 0 && fd == conn_fd()) return 0;
  int rc = real_close(fd);
  if (fd_kind_of(fd) != FD_KIND_NONE) {
    int saved_errno = errno;
    int saved = guard_enter();
    fd_table_forget(fd);
    guard_leave(saved);
    errno = saved_errno;
  }
  return rc;
}

int layer_close(int fd) { return close_with(REAL(close), fd); }

LAYER_EXPORT int close(int fd) { return close_with(REAL(close), fd); }

LAYER_EXPORT int __close(int fd) { return close_with(REAL(__close) ? REAL(__close) : REAL(close), fd); }
