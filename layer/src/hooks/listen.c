/*
 * listen. Bypass: untracked sockets, sockets not in state Bound (listening again, never bound).
 * A bound TCP socket listens for real, then (unless only bound, incoming off or targetless — the
 * last with a warning) subscribes its port at the intproxy — PortSubscribe{listening_on: the real
 * address, Steal|Mirror on the target port} — and waits for the agent's answer.
 * Errors: the real listen's; EADDRINUSE (port already stolen by another session), EACCES
 * (forbidden by the operator), EIO (intproxy link gone) when the subscription fails.
 */
#include "hook.h"
#include "incoming.h"

LAYER_EXPORT int listen(int fd, int backlog) {
  if (guard_active() || fd_kind_of(fd) != FD_KIND_SOCKET || !layer_ready()) return REAL(listen)(fd, backlog);
  int saved = guard_enter();
  int rc = incoming_listen(fd, backlog);
  int result_errno = errno;
  guard_leave(saved);
  if (rc == INCOMING_BYPASS) return REAL(listen)(fd, backlog);
  if (rc < 0) errno = result_errno;
  return rc;
}
