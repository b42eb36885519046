/*
 * sendto, sendmsg. Bypass: layer inactive, no explicit destination, untracked or non-UDP
 * sockets. UDP to port 53 through the agent (outgoing udp on, filter remote): an implicit
 * Outgoing Connect and the datagram goes to the interceptor, so DNS-over-UDP reaches the
 * cluster's resolver; later datagrams to the same destination follow it.
 * Errors: the agent's / the intproxy link's, then libc's.
 */
#include <string.h>

#include "hook.h"
#include "outgoing.h"

LAYER_EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *dest, socklen_t len) {
  if (!dest || fd_kind_of(fd) != FD_KIND_SOCKET || !layer_intercepts()) return REAL(sendto)(fd, buf, n, flags, dest, len);
  struct sockaddr_storage real_dest;
  socklen_t real_len;
  int saved = guard_enter();
  int rc = outgoing_udp_destination(fd, dest, len, &real_dest, &real_len);
  guard_leave(saved);
  if (rc < 0) return errno_result(rc);
  if (rc == 1) return REAL(sendto)(fd, buf, n, flags, (struct sockaddr *)&real_dest, real_len);
  return REAL(sendto)(fd, buf, n, flags, dest, len);
}

LAYER_EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
  if (!msg || !msg->msg_name || fd_kind_of(fd) != FD_KIND_SOCKET || !layer_intercepts())
    return REAL(sendmsg)(fd, msg, flags);
  struct sockaddr_storage real_dest;
  socklen_t real_len;
  int saved = guard_enter();
  int rc = outgoing_udp_destination(fd, msg->msg_name, msg->msg_namelen, &real_dest, &real_len);
  guard_leave(saved);
  if (rc < 0) return errno_result(rc);
  if (rc == 0) return REAL(sendmsg)(fd, msg, flags);
  struct msghdr copy = *msg;
  copy.msg_name = &real_dest;
  copy.msg_namelen = real_len;
  return REAL(sendmsg)(fd, &copy, flags);
}
