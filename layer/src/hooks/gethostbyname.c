/*
 * gethostbyname, gethostbyname2, gethostbyname_r, gethostbyname2_r. Bypass: as getaddrinfo
 * (layer inactive, dns off, IP literals, names the DNS filter keeps local). Remote: GetAddrInfo
 * restricted to the family; the non-reentrant forms keep their result in per-thread storage.
 * Errors: h_errno HOST_NOT_FOUND (no records), TRY_AGAIN (timeout), NO_RECOVERY (other).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "hook.h"
#include "remote_dns.h"

#define MAX_ADDRESSES 16

static int wants_remote(const char *name) {
  unsigned char buf[16];
  if (!name || !layer_intercepts() || !layer.dns_enabled) return 0;
  if (inet_pton(AF_INET, name, buf) == 1 || inet_pton(AF_INET6, name, buf) == 1) return 0;
  int saved = guard_enter();
  int wanted = remote_dns_wanted(name, 0);
  guard_leave(saved);
  return wanted;
}

static int herror_of(int eai) {
  return eai == EAI_NONAME ? HOST_NOT_FOUND : eai == EAI_AGAIN ? TRY_AGAIN : NO_RECOVERY;
}

/* Lays a hostent out in buf: aliases (none), address pointers, addresses, name. */
static int fill_hostent(const char *name, int family, const struct sockaddr_storage *ips, int count,
                        struct hostent *out, char *buf, size_t len) {
  size_t addr_len = family == AF_INET ? 4 : 16;
  size_t name_len = strlen(name) + 1;
  size_t need = sizeof(char *) + (size_t)(count + 1) * sizeof(char *) + (size_t)count * addr_len + name_len + 16;
  if (need > len) return ERANGE;
  char *p = buf;
  p += (uintptr_t)p % sizeof(char *) ? sizeof(char *) - (uintptr_t)p % sizeof(char *) : 0;
  char **aliases = (char **)p;
  aliases[0] = NULL;
  char **list = aliases + 1;
  char *data = (char *)(list + count + 1);
  for (int i = 0; i < count; i++) {
    const void *src = family == AF_INET ? (const void *)&((const struct sockaddr_in *)&ips[i])->sin_addr
                                        : (const void *)&((const struct sockaddr_in6 *)&ips[i])->sin6_addr;
    memcpy(data, src, addr_len);
    list[i] = data;
    data += addr_len;
  }
  list[count] = NULL;
  memcpy(data, name, name_len);
  out->h_name = data;
  out->h_aliases = aliases;
  out->h_addrtype = family;
  out->h_length = (int)addr_len;
  out->h_addr_list = list;
  return 0;
}

/* Returns 0 with *result set, or the h_errno code (and *result NULL). */
static int lookup(const char *name, int family, struct hostent *out, char *buf, size_t len, struct hostent **result,
                  int *range_error) {
  struct sockaddr_storage ips[MAX_ADDRESSES];
  *result = NULL;
  *range_error = 0;
  int saved = guard_enter();
  int eai;
  int n = remote_resolve(name, family, ips, MAX_ADDRESSES, &eai);
  guard_leave(saved);
  if (n < 0) return herror_of(eai);
  if (n == 0) return HOST_NOT_FOUND;
  if (fill_hostent(name, family, ips, n, out, buf, len)) {
    *range_error = 1;
    return NETDB_INTERNAL;
  }
  *result = out;
  return 0;
}

static __thread struct hostent static_entry;
static __thread char static_buf[2048];

static struct hostent *by_name(const char *name, int family) {
  struct hostent *result;
  int range_error;
  int herr = lookup(name, family, &static_entry, static_buf, sizeof static_buf, &result, &range_error);
  if (herr) h_errno = herr;
  return result;
}

LAYER_EXPORT struct hostent *gethostbyname(const char *name) {
  if (!wants_remote(name)) return REAL(gethostbyname)(name);
  return by_name(name, AF_INET);
}

LAYER_EXPORT struct hostent *gethostbyname2(const char *name, int family) {
  if ((family != AF_INET && family != AF_INET6) || !wants_remote(name)) return REAL(gethostbyname2)(name, family);
  return by_name(name, family);
}

static int by_name_r(const char *name, int family, struct hostent *ret, char *buf, size_t len,
                     struct hostent **result, int *h_errnop) {
  int range_error;
  int herr = lookup(name, family, ret, buf, len, result, &range_error);
  if (h_errnop) *h_errnop = herr;
  if (range_error) return ERANGE;
  if (herr == TRY_AGAIN) return EAGAIN;
  return herr ? ENOENT : 0;
}

LAYER_EXPORT int gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t len,
                                 struct hostent **result, int *h_errnop) {
  if (!wants_remote(name)) return REAL(gethostbyname_r)(name, ret, buf, len, result, h_errnop);
  return by_name_r(name, AF_INET, ret, buf, len, result, h_errnop);
}

LAYER_EXPORT int gethostbyname2_r(const char *name, int family, struct hostent *ret, char *buf, size_t len,
                                  struct hostent **result, int *h_errnop) {
  if ((family != AF_INET && family != AF_INET6) || !wants_remote(name))
    return REAL(gethostbyname2_r)(name, family, ret, buf, len, result, h_errnop);
  return by_name_r(name, family, ret, buf, len, result, h_errnop);
}
