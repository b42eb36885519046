/*
 * bind. Bypass: untracked sockets, non-IP families, sockets already bound, an address of the
 * wrong family or length (the kernel's own error). Tracked IP sockets follow mirrord's incoming
 * rules (how-it-works.md §5.5): ports that are never subscribed (ignore_ports, ignore_localhost,
 * port 0, ports outside `ports`, debugger ports, incoming off or targetless) are bound as asked;
 * others bind to the listen_ports port if configured (no other port), else the requested address
 * with fallbacks (port 0, then 127.0.0.1 / :: for an IP this machine does not have).
 * Errors: EADDRINUSE when another tracked socket already asked for the address; the real bind's.
 * Success sets errno to 0 (node checks errno after bind).
 */
#include "hook.h"
#include "incoming.h"

LAYER_EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  if (guard_active() || fd_kind_of(fd) != FD_KIND_SOCKET || !layer_ready()) return REAL(bind)(fd, addr, len);
  int saved = guard_enter();
  int rc = incoming_bind(fd, addr, len);
  int result_errno = errno;
  guard_leave(saved);
  if (rc == INCOMING_BYPASS) return REAL(bind)(fd, addr, len);
  errno = rc < 0 ? result_errno : 0;
  return rc;
}
