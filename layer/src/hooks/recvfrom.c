/*
 * recvfrom, recvmsg. Always libc; on a UDP socket relayed by the agent, a datagram from the
 * interceptor is reported as coming from the remote destination.
 */
#include "hook.h"
#include "outgoing.h"

LAYER_EXPORT ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *src, socklen_t *len) {
  ssize_t rc = REAL(recvfrom)(fd, buf, n, flags, src, len);
  if (rc >= 0 && src && !guard_active() && fd_kind_of(fd) == FD_KIND_SOCKET) {
    int saved_errno = errno;
    outgoing_rewrite_source(fd, src, len);
    errno = saved_errno;
  }
  return rc;
}

LAYER_EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
  ssize_t rc = REAL(recvmsg)(fd, msg, flags);
  if (rc >= 0 && msg && msg->msg_name && !guard_active() && fd_kind_of(fd) == FD_KIND_SOCKET) {
    int saved_errno = errno;
    outgoing_rewrite_source(fd, msg->msg_name, &msg->msg_namelen);
    errno = saved_errno;
  }
  return rc;
}
