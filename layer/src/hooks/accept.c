/*
 * accept, accept4. Always libc today. Issue 6 (incoming traffic) adds here: on a Listening
 * socket, ask the intproxy for the connection's metadata (Incoming ConnMetadata) and report the
 * in-cluster peer instead of the intproxy's loopback address.
 */
#include "hook.h"

LAYER_EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len) { return REAL(accept)(fd, addr, len); }

LAYER_EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
  return REAL(accept4)(fd, addr, len, flags);
}
