/*
 * bind. Always libc; on success a tracked IP socket records the requested and the actual address
 * (state Bound) so getsockname and "connect to myself on localhost" work.
 * Not yet: mirrord's incoming rules (listen_ports, port fallbacks, EADDRINUSE emulation between
 * tracked sockets, ignore_ports) — they come with incoming traffic (issue 6).
 */
#include <netinet/in.h>
#include <string.h>

#include "hook.h"

LAYER_EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  int rc = REAL(bind)(fd, addr, len);
  if (rc < 0 || guard_active() || fd_kind_of(fd) != FD_KIND_SOCKET || !addr) return rc;
  if (addr->sa_family != AF_INET && addr->sa_family != AF_INET6) return rc;
  int saved_errno = errno;
  int saved = guard_enter();
  struct socket_record r;
  if (fd_socket_snapshot(fd, &r) == 0 && len <= (socklen_t)sizeof r.requested) {
    memcpy(&r.requested, addr, len);
    r.requested_len = len;
    r.bound_len = sizeof r.bound;
    if (REAL(getsockname)(fd, (struct sockaddr *)&r.bound, &r.bound_len) < 0) r.bound_len = 0;
    r.state = SOCKET_BOUND;
    fd_socket_store(fd, &r);
  }
  guard_leave(saved);
  errno = saved_errno;
  return rc;
}
