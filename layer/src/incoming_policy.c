/* See incoming_policy.h. */
#include "incoming_policy.h"

#include <string.h>

#include "sockaddr_ip.h"

uint16_t incoming_remote_port(const struct layer_config *c, uint16_t local_port) {
  uint16_t remote;
  return port_pairs_lookup(&c->port_mapping, local_port, &remote) ? remote : local_port;
}

int incoming_only_bound(const struct layer_config *c, const struct sockaddr *addr, int is_tcp, int is_debugger_port) {
  uint16_t port = sockaddr_port(addr);
  if (c->incoming_ignore_localhost && sockaddr_is_loopback(addr)) return 1;
  if (is_tcp && port == 0) return 1;
  if (c->incoming_ports.set && !port_list_contains(&c->incoming_ports, incoming_remote_port(c, port))) return 1;
  if (is_debugger_port) return 1;
  return port_list_contains(&c->incoming_ignore_ports, port);
}

void incoming_subscription(const struct layer_config *c, uint16_t local_port, struct port_subscription *out) {
  out->steal = c->incoming_mode == INCOMING_STEAL;
  out->port = incoming_remote_port(c, local_port);
  int filtered = c->http_filter && (!c->http_filter_ports.set || port_list_contains(&c->http_filter_ports, out->port));
  out->filter = filtered ? c->http_filter : NULL;
}

static size_t add(struct sockaddr_storage out[4], size_t n, const struct sockaddr_storage *addr, uint16_t port) {
  struct sockaddr_storage candidate = *addr;
  sockaddr_set_port((struct sockaddr *)&candidate, port);
  for (size_t i = 0; i < n; i++)
    if (sockaddr_same((struct sockaddr *)&out[i], (struct sockaddr *)&candidate)) return n;
  out[n] = candidate;
  return n + 1;
}

size_t incoming_bind_attempts(const struct sockaddr *requested, int has_listen_port, uint16_t listen_port,
                              struct sockaddr_storage out[4]) {
  struct sockaddr_storage ip, fallback;
  memset(&ip, 0, sizeof ip);
  memcpy(&ip, requested, requested->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
  int other_ip = !sockaddr_is_loopback(requested) && !sockaddr_is_unspecified(requested);
  memset(&fallback, 0, sizeof fallback);
  if (requested->sa_family == AF_INET6) {
    struct sockaddr_in6 *f = (struct sockaddr_in6 *)&fallback;
    f->sin6_family = AF_INET6;
    f->sin6_addr = in6addr_any;
  } else {
    struct sockaddr_in *f = (struct sockaddr_in *)&fallback;
    f->sin_family = AF_INET;
    f->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  }
  uint16_t port = has_listen_port ? listen_port : sockaddr_port(requested);
  size_t n = add(out, 0, &ip, port);
  if (!has_listen_port) n = add(out, n, &ip, 0);
  if (other_ip) {
    n = add(out, n, &fallback, port);
    if (!has_listen_port) n = add(out, n, &fallback, 0);
  }
  return n;
}
