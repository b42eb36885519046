/*
 * close, __close, close_range. Unmanaged fds: libc only. Managed fds: libc's close and forgetting the fd
 * happen under the fd-table lock (so a thread that is handed the same number next cannot be
 * confused with the old record); the last reference of a remote file sends File Close, of an
 * outgoing connection Outgoing Close (how-it-works.md §5.3).
 * The layer's own intproxy connection is never closed by the app: closing it reports success
 * and leaves it open (it is close-on-exec). No allocation on this path (signal handlers close).
 */
#include <linux/close_range.h>

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

/* close_range: libc, then every managed fd in the range is forgotten, under the table lock
   (CLOSE_RANGE_CLOEXEC only marks fds: nothing is forgotten). The layer's own link stays open:
   a range that covers it is closed in two parts around it. */
LAYER_EXPORT int close_range(unsigned int first, unsigned int last, int flags) {
  if (!REAL(close_range)) return (int)errno_result(-ENOSYS);
  if (guard_active() || first > last) return REAL(close_range)(first, last, flags);
  int link = conn_fd();
  int cloexec_only = (flags & CLOSE_RANGE_CLOEXEC) != 0;
  int saved = guard_enter();
  int rc;
  if (link >= 0 && (unsigned int)link >= first && (unsigned int)link <= last) {
    rc = 0;
    if ((unsigned int)link > first) rc = fd_table_close_range(first, (unsigned int)link - 1, cloexec_only, REAL(close_range), flags);
    if (rc == 0 && (unsigned int)link < last)
      rc = fd_table_close_range((unsigned int)link + 1, last, cloexec_only, REAL(close_range), flags);
  } else {
    rc = fd_table_close_range(first, last, cloexec_only, REAL(close_range), flags);
  }
  int result_errno = errno;
  guard_leave(saved);
  if (rc < 0) errno = result_errno;
  return rc;
}
