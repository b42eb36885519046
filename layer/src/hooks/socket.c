/*
 * socket. Always libc; a new AF_INET/AF_INET6/AF_UNIX stream, datagram or seqpacket socket is
 * tracked (state Initialized) so connect/bind/getsockname can manage it.
 * Error: EAFNOSUPPORT for AF_INET6 while feature.network.ipv6 is false (apps fall back to IPv4).
 */
#include "hook.h"
#include "outgoing.h"

LAYER_EXPORT int socket(int domain, int type, int protocol) {
  if (!layer_intercepts()) return REAL(socket)(domain, type, protocol);
  if (domain == AF_INET6 && !layer.config.ipv6) return (int)errno_result(-EAFNOSUPPORT);
  int fd = REAL(socket)(domain, type, protocol);
  if (fd >= 0) {
    int saved_errno = errno;
    int saved = guard_enter();
    outgoing_track_socket(fd, domain, type, protocol);
    guard_leave(saved);
    errno = saved_errno;
  }
  return fd;
}
