/*
 * connect. Bypass: layer inactive, untracked families, localhost with ignore_localhost, port 0,
 * debugger ports, outgoing tcp/udp off, unix paths not in unix_streams, destinations the
 * outgoing filter keeps local (an IP from remote DNS is then re-resolved locally).
 * Remote: Outgoing Connect through the intproxy, then a real connect to the interceptor address
 * it returns (EINPROGRESS passes through for non-blocking sockets). TCP port 7 with
 * tcp_ping4_mock succeeds without connecting. A connect to localhost:port where this process
 * listens on port goes to that listener.
 * Errors: the agent's (ECONNREFUSED, ENETUNREACH for a timeout, ...), ECONNREFUSED when the
 * intproxy link is gone, then those of the real connect.
 */
#include "hook.h"
#include "outgoing.h"

LAYER_EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  if (!layer_intercepts()) return REAL(connect)(fd, addr, len);
  int saved = guard_enter();
  int rc = outgoing_connect(fd, addr, len);
  int result_errno = errno;
  guard_leave(saved);
  if (rc == OUTGOING_BYPASS) return REAL(connect)(fd, addr, len);
  if (rc < 0) errno = result_errno;
  return rc;
}
