/* See outgoing.h. */
#include "outgoing.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>

#include "codec.h"
#include "dns_cache.h"
#include "errno_map.h"
#include "fd_table.h"
#include "intproxy_conn.h"
#include "layer.h"
#include "log.h"
#include "net_filter.h"
#include "real.h"
#include "regex.h"
#include "remote_dns.h"

void outgoing_track_socket(int fd, int domain, int type, int protocol) {
  if (domain != AF_INET && domain != AF_INET6 && domain != AF_UNIX) return;
  int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (base != SOCK_STREAM && base != SOCK_DGRAM && base != SOCK_SEQPACKET) return;
  fd_socket_add(fd, domain, base, protocol);
}

static uint16_t port_of(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) return ntohs(((const struct sockaddr_in *)sa)->sin_port);
  if (sa->sa_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
  return 0;
}

static int is_loopback_or_unspecified(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) {
    uint32_t ip = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
    return (ip >> 24) == 127 || ip == 0;
  }
  if (sa->sa_family == AF_INET6) {
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(a) || IN6_IS_ADDR_UNSPECIFIED(a)) return 1;
    if (IN6_IS_ADDR_V4MAPPED(a)) return a->s6_addr[12] == 127;
  }
  return 0;
}

static int is_loopback(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
  if (sa->sa_family == AF_INET6) return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
  return 0;
}

/* Untracked fd (created before the layer or by an unhooked path): rebuild its record. */
static int adopt_socket(int fd, struct socket_record *out) {
  struct sockaddr_storage local;
  socklen_t len = sizeof local;
  if (REAL(getsockname)(fd, (struct sockaddr *)&local, &len) < 0) return -1;
  if (local.ss_family != AF_INET && local.ss_family != AF_UNIX) return -1;
  int type;
  socklen_t type_len = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len) < 0) return -1;
  outgoing_track_socket(fd, local.ss_family, type, 0);
  return fd_socket_snapshot(fd, out);
}

struct self_listener {
  uint16_t port; /* host order */
  int type;
  struct sockaddr_storage addr;
  socklen_t len;
  int found;
};

static int find_listener(int fd, const struct socket_record *r, void *ctx) {
  struct self_listener *l = ctx;
  (void)fd;
  if (r->state != SOCKET_LISTENING || r->type != l->type || !r->requested_len) return 0;
  uint16_t port = port_of((const struct sockaddr *)&r->requested);
  if (!port) port = port_of((const struct sockaddr *)&r->bound); /* bound to port 0: the real one */
  if (port != l->port) return 0;
  l->addr = r->bound;
  l->len = r->bound_len;
  l->found = 1;
  return 1;
}

static int same_ip(const struct sockaddr *a, const struct sockaddr *b) {
  if (a->sa_family != b->sa_family) return 0;
  if (a->sa_family == AF_INET)
    return ((const struct sockaddr_in *)a)->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
  if (a->sa_family == AF_INET6)
    return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
  return 0;
}

/* Host entries: the destination's remote-DNS name, else the entry's addresses. */
static int host_entry_matches(const struct nf_entry *e, const struct sockaddr *dest, int remote_side) {
  char cached[256];
  if (dns_cache_lookup(dest, cached, sizeof cached) && !strcasecmp(cached, e->host)) return 1;
  struct sockaddr_storage ips[16];
  int n = 0;
  if (remote_side && layer.dns_enabled) {
    int eai;
    n = remote_resolve(e->host, AF_UNSPEC, ips, 16, &eai);
    if (n < 0) n = 0;
  } else {
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    if (REAL(getaddrinfo)(e->host, NULL, &hints, &res) == 0) {
      for (struct addrinfo *ai = res; ai && n < 16; ai = ai->ai_next) memcpy(&ips[n++], ai->ai_addr, ai->ai_addrlen);
      REAL(freeaddrinfo)(res);
    }
  }
  for (int i = 0; i < n; i++)
    if (same_ip((struct sockaddr *)&ips[i], dest)) return 1;
  return 0;
}

static int filter_says_remote(const struct sockaddr *dest, int is_udp) {
  const struct layer_config *c = &layer.config;
  if (c->outgoing_filter_side == FILTER_NONE) return 1;
  int remote_side = c->outgoing_filter_side == FILTER_REMOTE;
  int matched = 0;
  for (size_t i = 0; i < c->outgoing_filter.count && !matched; i++) {
    struct nf_entry e;
    char err[200];
    if (nf_parse(c->outgoing_filter.items[i], &e, err, sizeof err) < 0) continue;
    if (e.kind == NF_ADDR_HOST) {
      matched = nf_matches_proto_port(&e, is_udp, port_of(dest)) && host_entry_matches(&e, dest, remote_side);
    } else {
      matched = nf_matches_addr(&e, is_udp, dest);
    }
  }
  return remote_side ? matched : !matched;
}

static int unix_path_matches(const struct sockaddr *addr, socklen_t len) {
  const struct sockaddr_un *un = (const struct sockaddr_un *)addr;
  size_t n = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
  if (n > sizeof un->sun_path) n = sizeof un->sun_path;
  char name[sizeof un->sun_path + 1];
  const char *start = un->sun_path;
  if (n && start[0] == 0) { /* abstract: match the name without its leading NUL */
    start++;
    n--;
  }
  while (n && start[n - 1] == 0) n--;
  memcpy(name, start, n);
  name[n] = 0;
  if (!n) return 0;
  for (size_t i = 0; i < layer.config.unix_streams.count; i++) {
    char err[200];
    struct regex *re = regex_compile(layer.config.unix_streams.items[i], 0, err, sizeof err);
    if (!re) continue;
    int m = regex_is_match(re, name);
    regex_free(re);
    if (m) return 1;
  }
  return 0;
}

/* The IP came from remote DNS but the filter wants it local: resolve its name locally. */
static int connect_locally_by_name(int fd, const struct sockaddr *dest, int type) {
  char host[256];
  if (!dns_cache_lookup(dest, host, sizeof host)) return OUTGOING_BYPASS;
  struct addrinfo hints = {.ai_family = dest->sa_family, .ai_socktype = type}, *res = NULL;
  if (REAL(getaddrinfo)(host, NULL, &hints, &res) != 0 || !res) return OUTGOING_BYPASS;
  struct sockaddr_storage local;
  memcpy(&local, res->ai_addr, res->ai_addrlen);
  socklen_t len = res->ai_addrlen;
  REAL(freeaddrinfo)(res);
  if (local.ss_family == AF_INET) ((struct sockaddr_in *)&local)->sin_port = htons(port_of(dest));
  else ((struct sockaddr_in6 *)&local)->sin6_port = htons(port_of(dest));
  LOG_DBG("connect: %s resolved locally for a local connection", host);
  return REAL(connect)(fd, (struct sockaddr *)&local, len);
}

/* Outgoing Connect through the intproxy; fills the record on success. Returns 0 or -errno. */
static int request_connection(const struct sockaddr *dest, socklen_t len, enum net_protocol protocol,
                              struct socket_record *rec) {
  char host[256];
  int has_host = dns_cache_lookup(dest, host, sizeof host);
  uint8_t stack[256];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  if (!enc_outgoing_connect(&b, dest, len, protocol, has_host ? host : NULL)) {
    wb_free(&b);
    return -EAFNOSUPPORT;
  }
  struct conn_response resp;
  int rc = conn_request(&b, &resp);
  wb_free(&b);
  if (rc < 0) return -ECONNREFUSED;
  if (resp.variant != P2L_OUTGOING || rb_variant(&resp.r) != 0) {
    LOG_ERR("The internal proxy answered a connect request with message %u — this is a bug, please report it", resp.variant);
    conn_response_free(&resp);
    return -EIO;
  }
  if (!rb_result_ok(&resp.r)) {
    struct remote_error e;
    dec_response_error(&resp.r, &e);
    conn_response_free(&resp);
    char name[64];
    LOG_DBG("outgoing connect refused: %s", remote_error_name(&e, name, sizeof name));
    return -remote_error_errno(&e);
  }
  rb_uv128(&resp.r, &rec->conn_hi, &rec->conn_lo);
  rb_socket_address(&resp.r, &rec->layer_addr, &rec->layer_addr_len);
  rec->in_cluster_len = 0;
  if (rb_opt(&resp.r)) rb_socket_address(&resp.r, &rec->in_cluster, &rec->in_cluster_len);
  int bad = resp.r.err;
  conn_response_free(&resp);
  if (bad) return -EIO;
  /* an unspecified interceptor address means "this host": loopback, or the socket's own IP */
  struct sockaddr *la = (struct sockaddr *)&rec->layer_addr;
  if (la->sa_family == AF_INET && ((struct sockaddr_in *)la)->sin_addr.s_addr == 0) {
    struct sockaddr_in *bound = (struct sockaddr_in *)&rec->bound;
    ((struct sockaddr_in *)la)->sin_addr.s_addr =
        rec->bound_len && bound->sin_family == AF_INET && bound->sin_addr.s_addr ? bound->sin_addr.s_addr : htonl(INADDR_LOOPBACK);
  } else if (la->sa_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)la)->sin6_addr)) {
    ((struct sockaddr_in6 *)la)->sin6_addr = in6addr_loopback;
  }
  memcpy(&rec->remote, dest, len);
  rec->remote_len = len;
  rec->via_agent = 1;
  return 0;
}

int outgoing_connect(int fd, const struct sockaddr *addr, socklen_t len) {
  if (!addr || len < (socklen_t)sizeof(sa_family_t)) return OUTGOING_BYPASS;
  struct socket_record rec;
  if (fd_socket_snapshot(fd, &rec) < 0 && adopt_socket(fd, &rec) < 0) return OUTGOING_BYPASS;
  if (rec.state == SOCKET_LISTENING || (rec.state == SOCKET_CONNECTED && rec.via_agent)) return OUTGOING_BYPASS;
  int family = addr->sa_family;
  int is_udp = rec.type == SOCK_DGRAM;
  enum net_protocol protocol;

  if (family == AF_INET || family == AF_INET6) {
    if (rec.domain == AF_UNIX) return OUTGOING_BYPASS;
    uint16_t port = port_of(addr);
    if (layer.config.tcp_ping4_mock && !is_udp && family == AF_INET && port == 7) return 0;
    if (is_loopback_or_unspecified(addr)) {
      if (layer.config.outgoing_ignore_localhost) return OUTGOING_BYPASS;
      struct self_listener l = {.port = port, .type = rec.type};
      fd_socket_each(find_listener, &l);
      if (l.found) return REAL(connect)(fd, (struct sockaddr *)&l.addr, l.len);
    }
    if (port == 0) return OUTGOING_BYPASS;
    if (is_loopback(addr) && layer_is_debugger_port(port)) return OUTGOING_BYPASS;
    if (is_udp) {
      if (!layer.outgoing_udp) return OUTGOING_BYPASS;
      protocol = NET_DATAGRAMS;
    } else if (rec.type == SOCK_STREAM) {
      if (!layer.outgoing_tcp) return OUTGOING_BYPASS;
      protocol = NET_STREAM;
    } else {
      return OUTGOING_BYPASS;
    }
    if (!filter_says_remote(addr, is_udp)) return connect_locally_by_name(fd, addr, rec.type);
  } else if (family == AF_UNIX) {
    if (rec.type == SOCK_STREAM) protocol = NET_STREAM;
    else if (rec.type == SOCK_SEQPACKET) protocol = NET_SEQPACKET;
    else return OUTGOING_BYPASS;
    if (!unix_path_matches(addr, len)) return OUTGOING_BYPASS;
  } else {
    return OUTGOING_BYPASS;
  }

  int rc = request_connection(addr, len, protocol, &rec);
  if (rc < 0) return (int)(errno = -rc, -1);
  int real = REAL(connect)(fd, (struct sockaddr *)&rec.layer_addr, rec.layer_addr_len);
  int saved_errno = errno;
  if (real == 0 || saved_errno == EINPROGRESS) {
    rec.state = SOCKET_CONNECTED;
    fd_socket_store(fd, &rec);
  } else {
    conn_send_outgoing_close(rec.conn_hi, rec.conn_lo);
  }
  errno = saved_errno;
  return real;
}

int outgoing_udp_destination(int fd, const struct sockaddr *dest, socklen_t len,
                             struct sockaddr_storage *out, socklen_t *out_len) {
  if (!dest || (dest->sa_family != AF_INET && dest->sa_family != AF_INET6)) return 0;
  struct socket_record rec;
  if (fd_socket_snapshot(fd, &rec) < 0 || rec.type != SOCK_DGRAM) return 0;
  if (rec.via_agent && rec.remote_len == len && !memcmp(&rec.remote, dest, len)) {
    *out = rec.layer_addr;
    *out_len = rec.layer_addr_len;
    return 1;
  }
  if (port_of(dest) != 53 || rec.via_agent || !layer.outgoing_udp || !filter_says_remote(dest, 1)) return 0;
  int rc = request_connection(dest, len, NET_DATAGRAMS, &rec);
  if (rc < 0) return rc;
  rec.state = SOCKET_CONNECTED;
  fd_socket_store(fd, &rec);
  *out = rec.layer_addr;
  *out_len = rec.layer_addr_len;
  return 1;
}

void outgoing_rewrite_source(int fd, struct sockaddr *src, socklen_t *src_len) {
  if (!src || !src_len || fd_kind_of(fd) != FD_KIND_SOCKET) return;
  struct socket_record rec;
  if (fd_socket_snapshot(fd, &rec) < 0 || !rec.via_agent || rec.type != SOCK_DGRAM) return;
  if (src->sa_family != rec.layer_addr.ss_family || !same_ip(src, (struct sockaddr *)&rec.layer_addr) ||
      port_of(src) != port_of((struct sockaddr *)&rec.layer_addr))
    return;
  socklen_t n = *src_len < rec.remote_len ? *src_len : rec.remote_len;
  memcpy(src, &rec.remote, n);
  *src_len = rec.remote_len;
}
