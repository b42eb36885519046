/* See incoming.h. */
#include "incoming.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec_incoming.h"
#include "errno_map.h"
#include "fd_table.h"
#include "incoming_policy.h"
#include "intproxy_conn.h"
#include "layer.h"
#include "log.h"
#include "real.h"
#include "sockaddr_copy.h"
#include "sockaddr_ip.h"

static socklen_t ip_len(int family) {
  return family == AF_INET6 ? (socklen_t)sizeof(struct sockaddr_in6) : (socklen_t)sizeof(struct sockaddr_in);
}

static void format_addr(const struct sockaddr *sa, char *out, size_t n) {
  char ip[INET6_ADDRSTRLEN] = "?";
  const void *raw = sa->sa_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
                                              : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
  inet_ntop(sa->sa_family, raw, ip, sizeof ip);
  snprintf(out, n, sa->sa_family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, sockaddr_port(sa));
}

static int reuse_port(int fd) {
  int on = 0;
  socklen_t n = sizeof on;
  return getsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, &n) == 0 && on;
}

struct address_claim {
  int fd, type;
  const struct sockaddr *requested;
  int taken;
};

/* The kernel's conflict rule between the requested addresses (the real binds may differ): same
   family and port, same IP or either one unspecified, unless both sockets set SO_REUSEPORT. */
static int claims_address(int fd, const struct socket_record *r, void *ctx) {
  struct address_claim *c = ctx;
  if (fd == c->fd || r->type != c->type || !r->requested_len) return 0;
  if (r->state != SOCKET_BOUND && r->state != SOCKET_LISTENING) return 0;
  const struct sockaddr *other = (const struct sockaddr *)&r->requested;
  if (other->sa_family != c->requested->sa_family || sockaddr_port(other) != sockaddr_port(c->requested)) return 0;
  int overlap = sockaddr_same(other, c->requested) || sockaddr_is_unspecified(other) ||
                sockaddr_is_unspecified(c->requested);
  if (!overlap || (reuse_port(fd) && reuse_port(c->fd))) return 0;
  c->taken = 1;
  return 1;
}

static int bind_first_free(int fd, const struct sockaddr *requested, int has_listen_port, uint16_t listen_port) {
  struct sockaddr_storage attempts[4];
  size_t n = incoming_bind_attempts(requested, has_listen_port, listen_port, attempts);
  int err = EADDRNOTAVAIL;
  for (size_t i = 0; i < n; i++) {
    if (REAL(bind)(fd, (struct sockaddr *)&attempts[i], ip_len(requested->sa_family)) == 0) return 0;
    err = errno;
  }
  errno = err;
  return -1;
}

static void record_bound(int fd, struct socket_record *r, const struct sockaddr *requested, socklen_t len,
                         int only_bound) {
  memcpy(&r->requested, requested, len);
  r->requested_len = len;
  r->bound_len = sizeof r->bound;
  if (REAL(getsockname)(fd, (struct sockaddr *)&r->bound, &r->bound_len) < 0) r->bound_len = 0;
  r->state = SOCKET_BOUND;
  r->only_bound = only_bound;
  fd_socket_store(fd, r);
}

int incoming_bind(int fd, const struct sockaddr *addr, socklen_t len) {
  if (!addr || len < (socklen_t)sizeof(sa_family_t)) return INCOMING_BYPASS;
  if (addr->sa_family != AF_INET && addr->sa_family != AF_INET6) return INCOMING_BYPASS;
  struct socket_record r;
  if (fd_socket_snapshot(fd, &r) < 0 || r.state != SOCKET_INITIALIZED) return INCOMING_BYPASS;
  /* a family that does not fit the socket, or a short address: the kernel's own error */
  if (addr->sa_family != r.domain || len < ip_len(addr->sa_family)) return INCOMING_BYPASS;
  len = ip_len(addr->sa_family);

  const struct layer_config *c = &layer.config;
  uint16_t port = sockaddr_port(addr), listen_port = 0;
  int active = c->incoming_mode != INCOMING_OFF && !c->targetless;
  int has_listen_port = active && port_pairs_lookup(&c->listen_ports, port, &listen_port);
  int debugger = sockaddr_is_loopback(addr) && layer_is_debugger_port(port);
  int only_bound = !active || incoming_only_bound(c, addr, r.type == SOCK_STREAM, debugger);
  if (only_bound && !has_listen_port) {
    if (REAL(bind)(fd, addr, len) < 0) return -1;
    record_bound(fd, &r, addr, len, 1);
    return 0;
  }
  if (port) {
    struct address_claim claim = {fd, r.type, addr, 0};
    fd_socket_each(claims_address, &claim);
    if (claim.taken) {
      errno = EADDRINUSE;
      return -1;
    }
  }
  if (bind_first_free(fd, addr, has_listen_port, listen_port) < 0) {
    int err = errno;
    if (has_listen_port)
      LOG_WRN("Cannot bind port %u (listen_ports maps %u to it): %s — free that port or change "
              "feature.network.incoming.listen_ports", listen_port, port, strerror(err));
    errno = err;
    return -1;
  }
  record_bound(fd, &r, addr, len, only_bound);
  char want[64], got[64];
  format_addr(addr, want, sizeof want);
  format_addr((struct sockaddr *)&r.bound, got, sizeof got);
  if (!has_listen_port && port && sockaddr_port((struct sockaddr *)&r.bound) != port)
    LOG_WRN("Port %u is in use on this machine: the app listens on %s instead of %s; traffic from the "
            "cluster is delivered there", port, got, want);
  else
    LOG_DBG("bind %s -> %s", want, got);
  return 0;
}

static int subscribe(const struct socket_record *r, const struct port_subscription *s) {
  uint8_t stack[256];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  if (!enc_port_subscribe(&b, (const struct sockaddr *)&r->bound, r->bound_len, s)) {
    wb_free(&b);
    return EAFNOSUPPORT;
  }
  struct conn_response resp;
  int rc = conn_request(&b, &resp);
  wb_free(&b);
  if (rc < 0) return EIO;
  int err = 0;
  if (resp.variant != P2L_INCOMING || rb_variant(&resp.r) != INCOMING_RESP_PORT_SUBSCRIBE) {
    LOG_ERR("The internal proxy answered a port subscription with message %u — this is a bug, please report it",
            resp.variant);
    err = EIO;
  } else if (!rb_result_ok(&resp.r)) {
    struct remote_error e;
    dec_response_error(&resp.r, &e);
    char name[64];
    remote_error_name(&e, name, sizeof name);
    if (e.kind == RERR_PORT_ALREADY_STOLEN) {
      err = EADDRINUSE;
      LOG_ERR("Cannot steal port %u: another mirrord session already steals it — stop that session, "
              "or give both sessions an HTTP filter", s->port);
    } else if (e.kind == RERR_FORBIDDEN || e.kind == RERR_FORBIDDEN_WITH_REASON) {
      err = EACCES;
      LOG_ERR("Cannot %s port %u: the mirrord operator forbids it (%s) — ask its administrator or "
              "change feature.network.incoming", s->steal ? "steal" : "mirror", s->port, name);
    } else {
      err = remote_error_errno(&e);
      LOG_ERR("Cannot %s port %u: the agent refused (%s) — see the intproxy log", s->steal ? "steal" : "mirror",
              s->port, name);
    }
  }
  conn_response_free(&resp);
  return err;
}

int incoming_listen(int fd, int backlog) {
  struct socket_record r;
  if (fd_socket_snapshot(fd, &r) < 0 || r.type != SOCK_STREAM) return INCOMING_BYPASS;
  if (r.state != SOCKET_BOUND) return INCOMING_BYPASS; /* listening again, or never bound */
  if (REAL(listen)(fd, backlog) < 0) return -1;
  r.state = SOCKET_LISTENING;
  const struct layer_config *c = &layer.config;
  uint16_t port = sockaddr_port((struct sockaddr *)&r.requested);
  const struct sockaddr *requested = (const struct sockaddr *)&r.requested;
  int debugger = sockaddr_is_loopback(requested) && layer_is_debugger_port(port);
  if (c->incoming_mode != INCOMING_OFF && c->targetless) {
    if (!incoming_only_bound(c, requested, 1, debugger))
        LOG_WRN("Port %u stays local: a targetless agent is not behind any Service, so no traffic from the "
              "cluster reaches it — run with a target to mirror or steal it", port);
  } else if (!r.only_bound && r.bound_len) {
    struct port_subscription s;
    incoming_subscription(c, port, &s);
    int err = subscribe(&r, &s);
    if (err) {
      fd_socket_store(fd, &r);
      errno = err;
      return -1;
    }
    r.subscribed = 1;
    r.remote_port = s.port;
    LOG_DBG("daemon subscribed port %u (target port %u, %s)", port, s.port, s.steal ? "steal" : "mirror");
  }
  fd_socket_store(fd, &r);
  return 0;
}

/* An IPv6 socket reports IPv4 peers as ::ffff:a.b.c.d. */
static void as_family(int family, struct sockaddr_storage *addr, socklen_t *len) {
  if (family != AF_INET6 || addr->ss_family != AF_INET) return;
  struct sockaddr_in v4;
  memcpy(&v4, addr, sizeof v4);
  sockaddr_v4_to_mapped(&v4, (struct sockaddr_in6 *)addr);
  *len = sizeof(struct sockaddr_in6);
}

void incoming_accepted(int listen_fd, int new_fd, struct sockaddr *addr, socklen_t *len) {
  struct socket_record l;
  if (fd_socket_snapshot(listen_fd, &l) < 0 || l.state != SOCKET_LISTENING || !l.subscribed) return;
  struct sockaddr_storage peer;
  socklen_t peer_len = sizeof peer;
  if (REAL(getpeername)(new_fd, (struct sockaddr *)&peer, &peer_len) < 0) return;
  uint8_t stack[96];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  if (!enc_incoming_conn_metadata(&b, (struct sockaddr *)&l.bound, l.bound_len, (struct sockaddr *)&peer, peer_len)) {
    wb_free(&b);
    return;
  }
  struct conn_response resp;
  int rc = conn_request(&b, &resp);
  wb_free(&b);
  if (rc < 0) return;
  struct socket_record c = {.domain = l.domain, .type = l.type, .protocol = l.protocol, .state = SOCKET_CONNECTED,
                            .incoming = 1};
  int ok = resp.variant == P2L_INCOMING && rb_variant(&resp.r) == INCOMING_RESP_CONN_METADATA;
  if (ok) dec_conn_metadata_response(&resp.r, &c.remote, &c.remote_len, &c.in_cluster, &c.in_cluster_len);
  ok = ok && !resp.r.err;
  conn_response_free(&resp);
  if (!ok) {
    LOG_WRN("The internal proxy gave no metadata for an accepted connection; it shows its local addresses");
    return;
  }
  /* a connection the intproxy did not make (a local client): it echoes the real peer back */
  if (sockaddr_same((struct sockaddr *)&c.remote, (struct sockaddr *)&peer)) return;
  sockaddr_set_port((struct sockaddr *)&c.in_cluster, sockaddr_port((struct sockaddr *)&l.requested));
  as_family(l.domain, &c.remote, &c.remote_len);
  as_family(l.domain, &c.in_cluster, &c.in_cluster_len);
  if (fd_socket_put(new_fd, &c) < 0) return;
  sockaddr_copy_out(&c.remote, c.remote_len, addr, len);
}

struct inherited {
  int fds[256];
  size_t count;
};

static int collect_subscribed(int fd, const struct socket_record *r, void *ctx) {
  struct inherited *in = ctx;
  if (r->state == SOCKET_LISTENING && r->subscribed && in->count < sizeof in->fds / sizeof in->fds[0])
    in->fds[in->count++] = fd;
  return 0;
}

void incoming_resubscribe_inherited(void) {
  struct inherited in = {.count = 0};
  fd_socket_each(collect_subscribed, &in);
  for (size_t i = 0; i < in.count; i++) {
    struct socket_record r;
    if (fd_socket_snapshot(in.fds[i], &r) < 0) continue;
    struct port_subscription s;
    incoming_subscription(&layer.config, sockaddr_port((struct sockaddr *)&r.requested), &s);
    r.subscribed = subscribe(&r, &s) == 0;
    r.remote_port = s.port;
    if (!r.subscribed) LOG_WRN("Port %u inherited across exec is no longer subscribed", s.port);
    fd_socket_store(in.fds[i], &r);
  }
}
