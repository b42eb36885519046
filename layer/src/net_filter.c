/* See net_filter.h. */
#include "net_filter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int parse_port(const char *s, uint16_t *out) {
  if (!*s) return -1;
  long v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9') return -1;
    v = v * 10 + (*p - '0');
    if (v > 65535) return -1;
  }
  *out = (uint16_t)v;
  return 0;
}

static int parse_address(const char *text, struct nf_entry *e) {
  char addr[300];
  snprintf(addr, sizeof addr, "%s", text);
  char *slash = strchr(addr, '/');
  int prefix = -1;
  if (slash) {
    *slash = 0;
    char *end;
    long v = strtol(slash + 1, &end, 10);
    if (*end || v < 0 || end == slash + 1) return -1;
    prefix = (int)v;
  }
  if (inet_pton(AF_INET, addr, e->addr) == 1) {
    e->family = AF_INET;
    if (prefix > 32) return -1;
    e->prefix = prefix < 0 ? 32 : prefix;
    static const uint8_t zero[4];
    e->kind = (!memcmp(e->addr, zero, 4) && prefix < 0) ? NF_ADDR_ANY : NF_ADDR_SUBNET;
    return 0;
  }
  if (inet_pton(AF_INET6, addr, e->addr) == 1) {
    e->family = AF_INET6;
    if (prefix > 128) return -1;
    e->prefix = prefix < 0 ? 128 : prefix;
    e->kind = NF_ADDR_SUBNET;
    return 0;
  }
  if (slash) return -1;
  for (const char *p = addr; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '-' || *p == '.' || *p == '_'))
      return -1;
  size_t n = strlen(addr);
  if (n >= sizeof e->host) return -1;
  e->kind = NF_ADDR_HOST;
  memcpy(e->host, addr, n + 1);
  return 0;
}

int nf_parse(const char *text, struct nf_entry *e, char *err, size_t err_len) {
  memset(e, 0, sizeof *e);
  const char *s = text;
  if (!strncasecmp(s, "tcp://", 6)) {
    e->protocol = NF_PROTO_TCP;
    s += 6;
  } else if (!strncasecmp(s, "udp://", 6)) {
    e->protocol = NF_PROTO_UDP;
    s += 6;
  }
  char buf[300];
  snprintf(buf, sizeof buf, "%s", s);
  char *addr = buf, *port = NULL;
  if (buf[0] == '[') {
    char *close = strchr(buf, ']');
    if (!close) goto bad;
    *close = 0;
    addr = buf + 1;
    if (close[1] == ':') port = close + 2;
    else if (close[1]) goto bad;
  } else {
    char *colon = strrchr(buf, ':');
    /* more than one ':' without brackets is a bare IPv6 address */
    if (colon && strchr(buf, ':') == colon) {
      *colon = 0;
      port = colon + 1;
    }
  }
  if (port && parse_port(port, &e->port) < 0) goto bad;
  if (!*addr) {
    e->kind = NF_ADDR_ANY;
    return 0;
  }
  if (parse_address(addr, e) < 0) goto bad;
  return 0;
bad:
  snprintf(err, err_len, "\"%s\" is not a valid filter entry ([tcp://|udp://][host|ip|cidr][:port])", text);
  return -1;
}

int nf_matches_proto_port(const struct nf_entry *e, int is_udp, uint16_t port) {
  if (e->protocol == NF_PROTO_TCP && is_udp) return 0;
  if (e->protocol == NF_PROTO_UDP && !is_udp) return 0;
  return e->port == 0 || e->port == port;
}

static int prefix_equal(const uint8_t *a, const uint8_t *b, int bits) {
  int full = bits / 8, rest = bits % 8;
  if (memcmp(a, b, (size_t)full)) return 0;
  if (!rest) return 1;
  uint8_t mask = (uint8_t)(0xFF << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

static int subnet_contains(const struct nf_entry *e, const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) {
    const uint8_t *ip = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
    if (e->family == AF_INET) return prefix_equal(e->addr, ip, e->prefix);
    return 0;
  }
  if (sa->sa_family == AF_INET6) {
    const uint8_t *ip = (const uint8_t *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (e->family == AF_INET6) return prefix_equal(e->addr, ip, e->prefix);
    /* an IPv4-mapped IPv6 destination matches IPv4 entries */
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    return e->family == AF_INET && !memcmp(ip, mapped, 12) && prefix_equal(e->addr, ip + 12, e->prefix);
  }
  return 0;
}

static uint16_t port_of(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) return ntohs(((const struct sockaddr_in *)sa)->sin_port);
  if (sa->sa_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
  return 0;
}

int nf_matches_addr(const struct nf_entry *e, int is_udp, const struct sockaddr *sa) {
  if (!nf_matches_proto_port(e, is_udp, port_of(sa))) return 0;
  if (e->kind == NF_ADDR_ANY) return 1;
  if (e->kind == NF_ADDR_SUBNET) return subnet_contains(e, sa);
  return 0;
}

int nf_matches_lookup(const struct nf_entry *e, const char *node, uint16_t port) {
  if (e->port && e->port != port) return 0;
  if (e->kind == NF_ADDR_ANY) return 1;
  if (e->kind == NF_ADDR_HOST) return !strcasecmp(e->host, node);
  struct sockaddr_in6 in6 = {0};
  struct sockaddr_in in = {0};
  if (inet_pton(AF_INET, node, &in.sin_addr) == 1) {
    in.sin_family = AF_INET;
    return subnet_contains(e, (struct sockaddr *)&in);
  }
  if (inet_pton(AF_INET6, node, &in6.sin6_addr) == 1) {
    in6.sin6_family = AF_INET6;
    return subnet_contains(e, (struct sockaddr *)&in6);
  }
  return 0;
}
