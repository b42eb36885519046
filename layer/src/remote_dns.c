/* See remote_dns.h. */
#include "remote_dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "dns_cache.h"
#include "errno_map.h"
#include "intproxy_conn.h"
#include "layer.h"
#include "log.h"
#include "net_filter.h"

int remote_dns_wanted(const char *node, uint16_t port) {
  if (!layer.dns_enabled) return 0;
  const struct layer_config *c = &layer.config;
  if (c->dns_filter_side == FILTER_NONE) return 1;
  int matched = 0;
  for (size_t i = 0; i < c->dns_filter.count && !matched; i++) {
    struct nf_entry e;
    char err[200];
    if (nf_parse(c->dns_filter.items[i], &e, err, sizeof err) == 0) matched = nf_matches_lookup(&e, node, port);
  }
  return c->dns_filter_side == FILTER_REMOTE ? matched : !matched;
}

struct record {
  char name[256];
  struct sockaddr_storage ip;
  socklen_t ip_len;
};

/* One GetAddrInfo round trip; returns the record count, or -1 with *eai set (EAI_* codes are
   negative numbers themselves). */
static int lookup(const char *node, uint16_t port, enum addr_family_req family, enum sock_type_req socktype,
                  int flags, int protocol, struct record *out, int max, int *eai) {
  uint8_t stack[512];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_get_addr_info(&b, node, port, family, socktype, flags, protocol);
  struct conn_response resp;
  int rc = conn_request(&b, &resp);
  wb_free(&b);
  *eai = EAI_FAIL;
  if (rc < 0) return -1;
  if (resp.variant != P2L_GET_ADDR_INFO) {
    LOG_ERR("The internal proxy answered a DNS request with message %u — this is a bug, please report it", resp.variant);
    conn_response_free(&resp);
    return -1;
  }
  if (!rb_result_ok(&resp.r)) {
    struct remote_error e;
    dec_response_error(&resp.r, &e);
    conn_response_free(&resp);
    *eai = remote_error_eai(&e);
    return -1;
  }
  uint64_t count = rb_uv(&resp.r, 64);
  int n = 0;
  for (uint64_t i = 0; i < count && !resp.r.err; i++) {
    size_t name_len;
    const uint8_t *name = rb_bytes(&resp.r, &name_len);
    struct sockaddr_storage ip;
    socklen_t ip_len;
    rb_ip_addr(&resp.r, &ip, &ip_len);
    if (resp.r.err || n >= max) continue;
    size_t copy = name_len < 255 ? name_len : 255;
    memcpy(out[n].name, name, copy);
    out[n].name[copy] = 0;
    out[n].ip = ip;
    out[n].ip_len = ip_len;
    n++;
  }
  int bad = resp.r.err;
  conn_response_free(&resp);
  return bad ? -1 : n;
}

/* ---- ownership of addrinfo chains ---- */

static pthread_mutex_t owned_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct addrinfo **owned;
static size_t owned_count, owned_cap;

static int own(const struct addrinfo *res) {
  pthread_mutex_lock(&owned_lock);
  if (owned_count == owned_cap) {
    size_t cap = owned_cap ? owned_cap * 2 : 16;
    const struct addrinfo **grown = realloc(owned, cap * sizeof *grown);
    if (!grown) {
      pthread_mutex_unlock(&owned_lock);
      return -1;
    }
    owned = grown;
    owned_cap = cap;
  }
  owned[owned_count++] = res;
  pthread_mutex_unlock(&owned_lock);
  return 0;
}

static int disown(const struct addrinfo *res) {
  int found = 0;
  pthread_mutex_lock(&owned_lock);
  for (size_t i = 0; i < owned_count; i++)
    if (owned[i] == res) {
      owned[i] = owned[--owned_count];
      found = 1;
      break;
    }
  pthread_mutex_unlock(&owned_lock);
  return found;
}

int remote_dns_owns(const struct addrinfo *res) {
  int found = 0;
  pthread_mutex_lock(&owned_lock);
  for (size_t i = 0; i < owned_count && !found; i++) found = owned[i] == res;
  pthread_mutex_unlock(&owned_lock);
  return found;
}

static void free_chain(struct addrinfo *res) {
  while (res) {
    struct addrinfo *next = res->ai_next;
    free(res->ai_canonname);
    free(res);
    res = next;
  }
}

void remote_dns_free(struct addrinfo *res) {
  if (disown(res)) free_chain(res);
}

static void set_port(struct sockaddr_storage *ss, uint16_t port) {
  if (ss->ss_family == AF_INET) ((struct sockaddr_in *)ss)->sin_port = htons(port);
  else if (ss->ss_family == AF_INET6) ((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

struct sock_kind {
  int type, protocol;
};

#define MAX_RECORDS 64

int remote_getaddrinfo(const char *node, uint16_t port, const struct addrinfo *hints, struct addrinfo **res) {
  int family = hints ? hints->ai_family : AF_UNSPEC;
  int socktype = hints ? hints->ai_socktype : 0;
  int protocol = hints ? hints->ai_protocol : 0;
  int flags = hints ? hints->ai_flags : 0;
  enum addr_family_req family_req = family == AF_INET ? AF_REQ_IPV4_ONLY
                                   : family == AF_INET6 ? AF_REQ_IPV6_ONLY
                                   : layer.config.ipv6 ? AF_REQ_BOTH : AF_REQ_IPV4_ONLY;
  enum sock_type_req type_req = socktype == SOCK_STREAM ? SOCK_REQ_STREAM
                               : socktype == SOCK_DGRAM ? SOCK_REQ_DGRAM : SOCK_REQ_ANY;
  struct record *records = malloc(MAX_RECORDS * sizeof *records);
  if (!records) return EAI_MEMORY;
  int eai;
  int n = lookup(node, port, family_req, type_req, flags, protocol, records, MAX_RECORDS, &eai);
  if (n < 0) {
    free(records);
    return eai;
  }
  struct sock_kind kinds[3];
  int kind_count = 0;
  if (socktype == 0) {
    kinds[kind_count++] = (struct sock_kind){SOCK_STREAM, IPPROTO_TCP};
    kinds[kind_count++] = (struct sock_kind){SOCK_DGRAM, IPPROTO_UDP};
    kinds[kind_count++] = (struct sock_kind){SOCK_RAW, 0};
  } else {
    int proto = protocol ? protocol : socktype == SOCK_STREAM ? IPPROTO_TCP : socktype == SOCK_DGRAM ? IPPROTO_UDP : 0;
    kinds[kind_count++] = (struct sock_kind){socktype, proto};
  }
  struct addrinfo *head = NULL, **tail = &head;
  for (int i = 0; i < n; i++) {
    int fam = records[i].ip.ss_family;
    if ((family == AF_INET && fam != AF_INET) || (family == AF_INET6 && fam != AF_INET6)) continue;
    if (!layer.config.ipv6 && fam == AF_INET6) continue;
    dns_cache_record((struct sockaddr *)&records[i].ip, node);
    for (int k = 0; k < kind_count; k++) {
      struct addrinfo *ai = calloc(1, sizeof *ai + sizeof(struct sockaddr_storage));
      if (!ai) {
        free_chain(head);
        free(records);
        return EAI_MEMORY;
      }
      struct sockaddr_storage *addr = (struct sockaddr_storage *)(ai + 1);
      *addr = records[i].ip;
      set_port(addr, port);
      ai->ai_family = fam;
      ai->ai_socktype = kinds[k].type;
      ai->ai_protocol = kinds[k].protocol;
      ai->ai_addr = (struct sockaddr *)addr;
      ai->ai_addrlen = records[i].ip_len;
      if (!head && (flags & AI_CANONNAME)) ai->ai_canonname = strdup(records[i].name[0] ? records[i].name : node);
      *tail = ai;
      tail = &ai->ai_next;
    }
  }
  free(records);
  if (!head) return EAI_NONAME;
  if (own(head) < 0) {
    free_chain(head);
    return EAI_MEMORY;
  }
  *res = head;
  return 0;
}

int remote_resolve(const char *name, int family, struct sockaddr_storage *out, int max, int *eai) {
  struct record records[16];
  enum addr_family_req req = family == AF_INET ? AF_REQ_IPV4_ONLY : family == AF_INET6 ? AF_REQ_IPV6_ONLY : AF_REQ_BOTH;
  int n = lookup(name, 0, req, SOCK_REQ_ANY, 0, 0, records, 16, eai);
  if (n < 0) return -1;
  int got = 0;
  for (int i = 0; i < n && got < max; i++) {
    if (family != AF_UNSPEC && records[i].ip.ss_family != family) continue;
    dns_cache_record((struct sockaddr *)&records[i].ip, name);
    out[got++] = records[i].ip;
  }
  return got;
}
