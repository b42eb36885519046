/*
 * listen. Always libc; on success a tracked Bound socket becomes Listening.
 * Not yet: the incoming port subscription (PortSubscribe to mirror/steal the target's port) —
 * issue 6 adds it here, after the real listen.
 */
#include "hook.h"

LAYER_EXPORT int listen(int fd, int backlog) {
  int rc = REAL(listen)(fd, backlog);
  if (rc < 0 || guard_active() || fd_kind_of(fd) != FD_KIND_SOCKET) return rc;
  int saved = guard_enter();
  struct socket_record r;
  if (fd_socket_snapshot(fd, &r) == 0 && r.state == SOCKET_BOUND) {
    r.state = SOCKET_LISTENING;
    fd_socket_store(fd, &r);
  }
  guard_leave(saved);
  return rc;
}
