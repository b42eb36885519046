/*
 * getaddrinfo, freeaddrinfo. Bypass: layer inactive, feature.network.dns off, node NULL,
 * AI_NUMERICHOST, IP literals, names the DNS filter keeps local. Remote: GetAddrInfo V2 through
 * the intproxy; the answer becomes an addrinfo chain (one entry per address and socket type, as
 * glibc builds it) that only this library's freeaddrinfo frees.
 * Errors: EAI_AGAIN (timeout), EAI_NONAME (no records), EAI_FAIL (anything else, including a
 * broken intproxy link), EAI_SERVICE for an unknown service name.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "hook.h"
#include "remote_dns.h"

static int is_ip_literal(const char *node) {
  unsigned char buf[16];
  return inet_pton(AF_INET, node, buf) == 1 || inet_pton(AF_INET6, node, buf) == 1;
}

/* Service -> port: numeric, or looked up in the local services database. Returns 0 or EAI_*. */
static int service_port(const char *service, const struct addrinfo *hints, uint16_t *port) {
  *port = 0;
  if (!service || !*service) return 0;
  char *end;
  long v = strtol(service, &end, 10);
  if (!*end) {
    if (v < 0 || v > 65535) return EAI_SERVICE;
    *port = (uint16_t)v;
    return 0;
  }
  if (hints && (hints->ai_flags & AI_NUMERICSERV)) return EAI_NONAME;
  const char *proto = hints && hints->ai_socktype == SOCK_DGRAM ? "udp" : "tcp";
  struct servent entry, *found = NULL;
  char buf[1024];
  if (getservbyname_r(service, proto, &entry, buf, sizeof buf, &found) != 0 || !found) return EAI_SERVICE;
  *port = ntohs((uint16_t)found->s_port);
  return 0;
}

LAYER_EXPORT int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                             struct addrinfo **res) {
  if (!node || !res || !layer_intercepts() || !layer.dns_enabled || (hints && (hints->ai_flags & AI_NUMERICHOST)))
    return REAL(getaddrinfo)(node, service, hints, res);
  if (is_ip_literal(node)) {
    /* without IPv6 the "any" address of IPv6 means IPv4's */
    if (!layer.config.ipv6 && !strcmp(node, "::")) node = "0.0.0.0";
    return REAL(getaddrinfo)(node, service, hints, res);
  }
  int saved = guard_enter();
  uint16_t port;
  int rc = service_port(service, hints, &port);
  if (rc == 0 && !remote_dns_wanted(node, port)) {
    guard_leave(saved);
    return REAL(getaddrinfo)(node, service, hints, res);
  }
  if (rc == 0) rc = remote_getaddrinfo(node, port, hints, res);
  guard_leave(saved);
  return rc;
}

LAYER_EXPORT void freeaddrinfo(struct addrinfo *res) {
  if (res && remote_dns_owns(res)) {
    remote_dns_free(res);
    return;
  }
  REAL(freeaddrinfo)(res);
}
