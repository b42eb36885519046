/* See exec_env.h. MIRRORD_SHARED_SOCKETS is only read by this same layer, so the format is
   ours: entries "fd:domain:type:protocol:state:via_agent:conn_hi:conn_lo:only_bound:subscribed:
   remote_port:incoming:requested:bound:remote:in_cluster:layer" separated by ';', addresses as
   hex of the sockaddr bytes ("-" empty). */
#include "exec_env.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fd_table.h"
#include "layer.h"
#include "log.h"
#include "real.h"

extern char **environ;

static const char *const handed_over[] = {
  "MIRRORD_RESOLVED_CONFIG", "MIRRORD_LAYER_INTPROXY_ADDR", "MIRRORD_REMOTE_ENV_FETCHED",
  "MIRRORD_OUTGOING_IGNORE_LOCALHOST", "MIRRORD_LAYER_LOG_PATH", "MIRRORD_LOG",
  "MIRRORD_SKIP_PROCESSES", "MIRRORD_IGNORE_DEBUGGER_PORTS", "MIRRORD_LAYER_TRACE_ONLY",
};

static int starts_with_name(const char *entry, const char *name) {
  size_t n = strlen(name);
  return !strncmp(entry, name, n) && entry[n] == '=';
}

static char *own(struct exec_env *e, char *s) {
  if (s) e->owned[e->owned_count++] = s;
  return s;
}

static char *join(const char *name, const char *value) {
  size_t n = strlen(name) + strlen(value) + 2;
  char *s = malloc(n);
  if (s) snprintf(s, n, "%s=%s", name, value);
  return s;
}

/* LD_PRELOAD with this library first (kept once). */
static char *preload_value(const char *current) {
  if (!layer.self_path[0]) return current ? strdup(current) : NULL;
  if (current && strstr(current, layer.self_path)) return strdup(current);
  size_t n = strlen(layer.self_path) + (current ? strlen(current) + 1 : 0) + 1;
  char *v = malloc(n);
  if (v) snprintf(v, n, "%s%s%s", layer.self_path, current && *current ? ":" : "", current ? current : "");
  return v;
}

int exec_env_prepare(char *const envp[], struct exec_env *out) {
  memset(out, 0, sizeof *out);
  char *const *src = envp ? envp : environ;
  size_t count = 0;
  while (src && src[count]) count++;
  size_t extra = sizeof handed_over / sizeof handed_over[0] + 2;
  out->envp = calloc(count + extra + 1, sizeof *out->envp);
  out->owned = calloc(extra + 2, sizeof *out->owned);
  if (!out->envp || !out->owned) {
    exec_env_free(out);
    return -1;
  }
  size_t n = 0;
  const char *preload = NULL;
  for (size_t i = 0; i < count; i++) {
    if (starts_with_name(src[i], "LD_PRELOAD")) preload = src[i] + strlen("LD_PRELOAD=");
    else if (!starts_with_name(src[i], "MIRRORD_SHARED_SOCKETS")) out->envp[n++] = src[i];
  }
  char *value = preload_value(preload);
  if (value) {
    out->envp[n++] = own(out, join("LD_PRELOAD", value));
    free(value);
  }
  for (size_t k = 0; k < sizeof handed_over / sizeof handed_over[0]; k++) {
    int present = 0;
    for (size_t i = 0; i < n && !present; i++) present = starts_with_name(out->envp[i], handed_over[k]);
    const char *ours = getenv(handed_over[k]);
    if (!present && ours) out->envp[n++] = own(out, join(handed_over[k], ours));
  }
  char *sockets = exec_env_export_sockets();
  if (sockets) {
    out->envp[n++] = own(out, join("MIRRORD_SHARED_SOCKETS", sockets));
    free(sockets);
  }
  out->envp[n] = NULL;
  return 0;
}

void exec_env_free(struct exec_env *e) {
  for (int i = 0; i < e->owned_count; i++) free(e->owned[i]);
  free(e->owned);
  free(e->envp);
  memset(e, 0, sizeof *e);
}

/* ---- sockets across exec ---- */

struct export_ctx {
  char *buf;
  size_t len, cap;
};

static void put(struct export_ctx *c, const char *s) {
  size_t n = strlen(s);
  if (c->len + n + 1 > c->cap) {
    size_t cap = (c->cap + n) * 2 + 256;
    char *grown = realloc(c->buf, cap);
    if (!grown) return;
    c->buf = grown;
    c->cap = cap;
  }
  memcpy(c->buf + c->len, s, n + 1);
  c->len += n;
}

static void put_addr(struct export_ctx *c, const struct sockaddr_storage *ss, socklen_t len) {
  put(c, ":");
  if (!len) {
    put(c, "-");
    return;
  }
  char hex[3];
  for (socklen_t i = 0; i < len && i < sizeof *ss; i++) {
    snprintf(hex, sizeof hex, "%02x", ((const unsigned char *)ss)[i]);
    put(c, hex);
  }
}

static int export_one(int fd, const struct socket_record *r, void *ctx) {
  struct export_ctx *c = ctx;
  int flags = REAL(fcntl)(fd, F_GETFD);
  if (flags < 0 || (flags & FD_CLOEXEC)) return 0;
  char head[200];
  snprintf(head, sizeof head, "%s%d:%d:%d:%d:%d:%d:%llu:%llu:%d:%d:%u:%d", c->len ? ";" : "", fd, r->domain,
           r->type, r->protocol, (int)r->state, r->via_agent, (unsigned long long)r->conn_hi,
           (unsigned long long)r->conn_lo, r->only_bound, r->subscribed, r->remote_port, r->incoming);
  put(c, head);
  put_addr(c, &r->requested, r->requested_len);
  put_addr(c, &r->bound, r->bound_len);
  put_addr(c, &r->remote, r->remote_len);
  put_addr(c, &r->in_cluster, r->in_cluster_len);
  put_addr(c, &r->layer_addr, r->layer_addr_len);
  return 0;
}

char *exec_env_export_sockets(void) {
  struct export_ctx c = {0};
  fd_socket_each(export_one, &c);
  return c.buf;
}

static int parse_addr(char **cursor, struct sockaddr_storage *ss, socklen_t *len) {
  char *field = strsep(cursor, ":");
  memset(ss, 0, sizeof *ss);
  *len = 0;
  if (!field) return -1;
  if (!strcmp(field, "-")) return 0;
  size_t n = strlen(field) / 2;
  if (n > sizeof *ss) return -1;
  for (size_t i = 0; i < n; i++) {
    unsigned v;
    if (sscanf(field + 2 * i, "%2x", &v) != 1) return -1;
    ((unsigned char *)ss)[i] = (unsigned char)v;
  }
  *len = (socklen_t)n;
  return 0;
}

enum { HEAD_FIELDS = 12 };

void exec_env_import_sockets(void) {
  const char *spec = getenv("MIRRORD_SHARED_SOCKETS");
  if (!spec || !*spec) return;
  char *copy = strdup(spec), *entries = copy, *entry;
  while (copy && (entry = strsep(&entries, ";"))) {
    struct socket_record r = {0};
    int fd = -1, state = 0;
    unsigned long long hi = 0, lo = 0;
    char *cursor = entry;
    int parsed = 0;
    for (int i = 0; i < HEAD_FIELDS; i++) {
      char *f = strsep(&cursor, ":");
      if (!f) break;
      switch (i) {
        case 0: fd = atoi(f); break;
        case 1: r.domain = atoi(f); break;
        case 2: r.type = atoi(f); break;
        case 3: r.protocol = atoi(f); break;
        case 4: state = atoi(f); break;
        case 5: r.via_agent = atoi(f); break;
        case 6: hi = strtoull(f, NULL, 10); break;
        case 7: lo = strtoull(f, NULL, 10); break;
        case 8: r.only_bound = atoi(f); break;
        case 9: r.subscribed = atoi(f); break;
        case 10: r.remote_port = (uint16_t)atoi(f); break;
        default: r.incoming = atoi(f); break;
      }
      parsed++;
    }
    if (parsed != HEAD_FIELDS || parse_addr(&cursor, &r.requested, &r.requested_len) < 0 ||
        parse_addr(&cursor, &r.bound, &r.bound_len) < 0 || parse_addr(&cursor, &r.remote, &r.remote_len) < 0 ||
        parse_addr(&cursor, &r.in_cluster, &r.in_cluster_len) < 0 ||
        parse_addr(&cursor, &r.layer_addr, &r.layer_addr_len) < 0) {
      LOG_WRN("Cannot read an entry of MIRRORD_SHARED_SOCKETS; that socket is not managed");
      continue;
    }
    if (REAL(fcntl)(fd, F_GETFD) < 0) continue; /* closed on exec */
    r.state = (enum socket_state)state;
    r.conn_hi = hi;
    r.conn_lo = lo;
    if (fd_socket_add(fd, r.domain, r.type, r.protocol) == 0) fd_socket_store(fd, &r);
  }
  free(copy);
  unsetenv("MIRRORD_SHARED_SOCKETS");
}
