/*
 * getsockname, getpeername. Bypass: untracked sockets and sockets the layer did not redirect.
 * Connected through the agent: getpeername reports the destination the app asked for and
 * getsockname the pod-side local address (asked with Outgoing ConnMetadata when the connect
 * answer did not carry it). Accepted from a subscribed listener: getpeername reports the cluster
 * client and getsockname the pod-side address (both from Incoming ConnMetadata at accept).
 * Bound/Listening: getsockname reports the requested address (with the real port when port 0
 * was requested).
 */
#include "codec.h"
#include "hook.h"
#include "intproxy_conn.h"
#include "sockaddr_copy.h"
#include "sockaddr_ip.h"

static void fetch_in_cluster(int fd, struct socket_record *r) {
  uint8_t stack[48];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_outgoing_conn_metadata(&b, r->conn_hi, r->conn_lo);
  struct conn_response resp;
  if (conn_request(&b, &resp) < 0) return;
  if (resp.variant == P2L_OUTGOING && rb_variant(&resp.r) == 1 && rb_opt(&resp.r)) {
    rb_socket_addr(&resp.r, &r->in_cluster, &r->in_cluster_len);
    if (!resp.r.err) fd_socket_store(fd, r);
    else r->in_cluster_len = 0;
  }
  conn_response_free(&resp);
}

LAYER_EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len) {
  if (guard_active() || fd_kind_of(fd) != FD_KIND_SOCKET || !addr || !len) return REAL(getsockname)(fd, addr, len);
  int saved = guard_enter();
  struct socket_record r;
  int answered = 0;
  if (fd_socket_snapshot(fd, &r) == 0) {
    if (r.state == SOCKET_CONNECTED && (r.via_agent || r.incoming)) {
      if (!r.in_cluster_len && r.via_agent) fetch_in_cluster(fd, &r);
      if (r.in_cluster_len) {
        sockaddr_copy_out(&r.in_cluster, r.in_cluster_len, addr, len);
        answered = 1;
      }
    } else if ((r.state == SOCKET_BOUND || r.state == SOCKET_LISTENING) && r.requested_len) {
      struct sockaddr_storage out = r.requested;
      struct sockaddr *o = (struct sockaddr *)&out;
      if (!sockaddr_port(o) && r.bound_len) sockaddr_set_port(o, sockaddr_port((struct sockaddr *)&r.bound));
      sockaddr_copy_out(&out, r.requested_len, addr, len);
      answered = 1;
    }
  }
  guard_leave(saved);
  return answered ? 0 : REAL(getsockname)(fd, addr, len);
}

LAYER_EXPORT int getpeername(int fd, struct sockaddr *addr, socklen_t *len) {
  if (guard_active() || fd_kind_of(fd) != FD_KIND_SOCKET || !addr || !len) return REAL(getpeername)(fd, addr, len);
  struct socket_record r;
  if (fd_socket_snapshot(fd, &r) == 0 && r.state == SOCKET_CONNECTED && (r.via_agent || r.incoming) && r.remote_len) {
    /* the real peer must exist (connection still up) for the call to succeed */
    struct sockaddr_storage real_peer;
    socklen_t real_len = sizeof real_peer;
    if (REAL(getpeername)(fd, (struct sockaddr *)&real_peer, &real_len) < 0) return -1;
    sockaddr_copy_out(&r.remote, r.remote_len, addr, len);
    return 0;
  }
  return REAL(getpeername)(fd, addr, len);
}
