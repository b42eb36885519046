/* Small questions about IPv4/IPv6 socket addresses (ports in host order). */
#ifndef LAYER_SOCKADDR_IP_H
#define LAYER_SOCKADDR_IP_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

static inline uint16_t sockaddr_port(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) return ntohs(((const struct sockaddr_in *)sa)->sin_port);
  if (sa->sa_family == AF_INET6) return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
  return 0;
}

static inline void sockaddr_set_port(struct sockaddr *sa, uint16_t port) {
  if (sa->sa_family == AF_INET) ((struct sockaddr_in *)sa)->sin_port = htons(port);
  else if (sa->sa_family == AF_INET6) ((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
}

/** 127.0.0.0/8, ::1 and ::ffff:127.x.y.z. */
static inline int sockaddr_is_loopback(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
  if (sa->sa_family == AF_INET6) {
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
  }
  return 0;
}

/** 0.0.0.0, :: and ::ffff:0.0.0.0. */
static inline int sockaddr_is_unspecified(const struct sockaddr *sa) {
  if (sa->sa_family == AF_INET) return ((const struct sockaddr_in *)sa)->sin_addr.s_addr == 0;
  if (sa->sa_family == AF_INET6) {
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    static const uint8_t zero[4];
    return IN6_IS_ADDR_UNSPECIFIED(a) || (IN6_IS_ADDR_V4MAPPED(a) && !memcmp(a->s6_addr + 12, zero, 4));
  }
  return 0;
}

/** Same family, IP and port. */
static inline int sockaddr_same(const struct sockaddr *a, const struct sockaddr *b) {
  if (a->sa_family != b->sa_family || sockaddr_port(a) != sockaddr_port(b)) return 0;
  if (a->sa_family == AF_INET)
    return ((const struct sockaddr_in *)a)->sin_addr.s_addr == ((const struct sockaddr_in *)b)->sin_addr.s_addr;
  if (a->sa_family == AF_INET6)
    return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, &((const struct sockaddr_in6 *)b)->sin6_addr, 16);
  return 0;
}

/** An IPv4 address as ::ffff:a.b.c.d (what a dual-stack IPv6 socket reports for IPv4 peers). */
static inline void sockaddr_v4_to_mapped(const struct sockaddr_in *in, struct sockaddr_in6 *out) {
  memset(out, 0, sizeof *out);
  out->sin6_family = AF_INET6;
  out->sin6_port = in->sin_port;
  out->sin6_addr.s6_addr[10] = 0xff;
  out->sin6_addr.s6_addr[11] = 0xff;
  memcpy(out->sin6_addr.s6_addr + 12, &in->sin_addr, 4);
}

#endif
