/*
 * accept, accept4. Always libc first. A connection accepted on a subscribed listener comes from
 * the intproxy; the layer asks it (Incoming ConnMetadata) which cluster client the connection
 * stands for, reports that client as the peer address and tracks the new fd so getpeername and
 * getsockname show the cluster-side addresses. Other listeners, and failures: libc's values.
 */
#include "hook.h"
#include "incoming.h"

static int after_accept(int fd, int new_fd, struct sockaddr *addr, socklen_t *len) {
  if (new_fd < 0 || guard_active() || fd_kind_of(fd) != FD_KIND_SOCKET) return new_fd;
  int saved = guard_enter();
  incoming_accepted(fd, new_fd, addr, len);
  guard_leave(saved);
  return new_fd;
}

LAYER_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len) {
  return after_accept(fd, REAL(accept)(fd, addr, len), addr, len);
}

LAYER_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
  return after_accept(fd, REAL(accept4)(fd, addr, len, flags), addr, len);
}
