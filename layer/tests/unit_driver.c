/*
 * layer_unit: drives the layer's pure modules (regex, JSON, config, fs policy, codec, filters,
 * base64) from the command line so the Deno unit tests can check them without LD_PRELOAD.
 * Output is JSON, one line per case.
 *
 *   layer_unit regex            stdin: NUL-separated (pattern, flags "i"|"", subject) triples
 *   layer_unit replace          stdin: NUL-separated (pattern, subject, replacement) triples
 *   layer_unit json PATH...     stdin: a JSON document; prints the value at each dotted path
 *   layer_unit config           stdin: resolved config JSON; prints the fields the layer reads
 *   layer_unit fs HOME TMP CWD EXE   stdin: config JSON, then after a NUL: lines "r PATH"/"w PATH"
 *   layer_unit encode KIND ARGS...   prints the hex of one encoded message or frame
 *   layer_unit decode-error HEX      prints the errno / EAI code of a ResponseError
 *   layer_unit decode-metadata HEX   prints a MetadataInternal as JSON
 *   layer_unit filter ENTRY IP PORT tcp|udp | filter-dns ENTRY NODE PORT
 *   layer_unit base64 encode|decode TEXT
 *   layer_unit ifaddrs FAMILIES  FAMILIES like "4,6,0": a one-block list (0: no address), filtered
 *                                by ifaddrs_drop_ipv6; prints the kept entries' original indexes
 *   layer_unit incoming ...           see unit_incoming.c
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "base64.h"
#include "codec.h"
#include "config.h"
#include "config_json.h"
#include "errno_map.h"
#include "fs_policy.h"
#include "ifaddrs_filter.h"
#include "net_filter.h"
#include "regex.h"
#include "unit_driver.h"

char *read_all(FILE *f, size_t *len) {
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  for (;;) {
    if (n + 4096 > cap) buf = realloc(buf, cap *= 2);
    size_t got = fread(buf + n, 1, 4096, f);
    if (!got) break;
    n += got;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}

static void json_str(const char *s, size_t n) {
  putchar('"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

void json_cstr(const char *s) {
  if (!s) printf("null");
  else json_str(s, strlen(s));
}

void print_error(const char *err) {
  printf("{\"error\":");
  json_cstr(err);
  printf("}\n");
}

/* Splits a NUL-separated buffer into fields. */
static char **split_nul(char *buf, size_t len, size_t *count) {
  size_t cap = 16, n = 0;
  char **fields = malloc(cap * sizeof *fields);
  size_t start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i == len || buf[i] == 0) {
      if (i == len && start == len) break;
      if (n == cap) fields = realloc(fields, (cap *= 2) * sizeof *fields);
      fields[n++] = buf + start;
      start = i + 1;
    }
  }
  *count = n;
  return fields;
}

static int cmd_regex_cases(void) {
  size_t len, n;
  char *buf = read_all(stdin, &len);
  char **f = split_nul(buf, len, &n);
  for (size_t i = 0; i + 3 <= n; i += 3) {
    char err[256];
    struct regex *re = regex_compile(f[i], strchr(f[i + 1], 'i') ? REGEX_ICASE : 0, err, sizeof err);
    if (!re) {
      print_error(err);
      continue;
    }
    struct regex_span spans[20];
    int groups = regex_group_count(re);
    enum regex_status st = regex_search(re, f[i + 2], strlen(f[i + 2]), spans, 20);
    printf("{\"status\":\"%s\"", st == REGEX_MATCH ? "match" : st == REGEX_NOMATCH ? "nomatch" : "limit");
    if (st == REGEX_MATCH) {
      printf(",\"groups\":[");
      for (int g = 0; g < groups && g < 20; g++) {
        if (g) putchar(',');
        if (spans[g].start < 0) printf("null");
        else json_str(f[i + 2] + spans[g].start, (size_t)(spans[g].end - spans[g].start));
      }
      printf("]");
    }
    printf("}\n");
    regex_free(re);
  }
  return 0;
}

static void *regex_thread(void *arg) {
  *(int *)arg = cmd_regex_cases();
  return NULL;
}

/* REGEX_THREAD_STACK=<bytes>: run the cases on a thread with that stack size, proving searches
   stay within their stack budget. */
static int cmd_regex(void) {
  const char *stack = getenv("REGEX_THREAD_STACK");
  if (!stack) return cmd_regex_cases();
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, (size_t)atol(stack));
  pthread_t t;
  int rc = 0;
  pthread_create(&t, &attr, regex_thread, &rc);
  pthread_join(t, NULL);
  return rc;
}

static int cmd_replace(void) {
  size_t len, n;
  char *buf = read_all(stdin, &len);
  char **f = split_nul(buf, len, &n);
  for (size_t i = 0; i + 3 <= n; i += 3) {
    char err[256];
    struct regex *re = regex_compile(f[i], 0, err, sizeof err);
    if (!re) {
      print_error(err);
      continue;
    }
    enum regex_status st;
    char *out = regex_replace(re, f[i + 1], f[i + 2], &st);
    printf("{\"result\":");
    json_cstr(out);
    printf("}\n");
    free(out);
    regex_free(re);
  }
  return 0;
}

static void print_json_value(const struct json *v) {
  if (!v) {
    printf("\"<missing>\"");
    return;
  }
  switch (v->type) {
    case JSON_NULL: printf("null"); break;
    case JSON_BOOL: printf(v->boolean ? "true" : "false"); break;
    case JSON_NUMBER: printf("%.17g", v->number); break;
    case JSON_STRING: json_str(v->string, v->length); break;
    case JSON_ARRAY:
    case JSON_OBJECT:
      putchar(v->type == JSON_ARRAY ? '[' : '{');
      for (size_t i = 0; i < v->count; i++) {
        if (i) putchar(',');
        if (v->type == JSON_OBJECT) {
          json_cstr(v->keys[i]);
          putchar(':');
        }
        print_json_value(v->items[i]);
      }
      putchar(v->type == JSON_ARRAY ? ']' : '}');
      break;
  }
}

static int cmd_json(int argc, char **argv) {
  size_t len;
  char *text = read_all(stdin, &len);
  char err[256];
  struct json *root = json_parse(text, len, err, sizeof err);
  if (!root) {
    print_error(err);
    return 0;
  }
  putchar('[');
  for (int i = 0; i < argc; i++) {
    if (i) putchar(',');
    print_json_value(json_path(root, argv[i]));
  }
  printf("]\n");
  json_free(root);
  return 0;
}

static void print_list(const char *name, const struct string_list *l) {
  printf(",\"%s\":[", name);
  for (size_t i = 0; i < l->count; i++) {
    if (i) putchar(',');
    json_cstr(l->items[i]);
  }
  putchar(']');
}

static const char *side_name(enum filter_side s) {
  return s == FILTER_REMOTE ? "remote" : s == FILTER_LOCAL ? "local" : "none";
}

static int cmd_config(void) {
  size_t len;
  char *text = read_all(stdin, &len);
  char err[256];
  struct json *root = json_parse(text, len, err, sizeof err);
  struct layer_config c;
  if (!root || config_from_json(root, &c, err, sizeof err) < 0) {
    print_error(err);
    return 0;
  }
  static const char *const modes[] = {"local", "localwithoverrides", "read", "write"};
  static const char *const incoming[] = {"mirror", "steal", "off"};
  printf("{\"targetless\":%d,\"fs_mode\":\"%s\",\"incoming\":\"%s\"", c.targetless, modes[c.fs_mode],
         incoming[c.incoming_mode]);
  printf(",\"skip_build_tools\":%d,\"outgoing_tcp\":%d,\"outgoing_udp\":%d,\"ignore_localhost\":%d",
         c.skip_build_tools, c.outgoing_tcp, c.outgoing_udp, c.outgoing_ignore_localhost);
  printf(",\"dns\":%d,\"ipv6\":%d,\"hostname\":%d,\"load_from_process\":%d,\"exec_hooks\":%d",
         c.dns_enabled, c.ipv6, c.hostname, c.env_load_from_process, c.enable_exec_hooks);
  printf(",\"use_dev_null\":%d,\"tcp_ping4_mock\":%d,\"turbo\":%d,\"socket_timeout\":%llu",
         c.use_dev_null, c.tcp_ping4_mock, c.magic_turbo, (unsigned long long)c.socket_timeout_secs);
  printf(",\"outgoing_filter_side\":\"%s\",\"dns_filter_side\":\"%s\"", side_name(c.outgoing_filter_side),
         side_name(c.dns_filter_side));
  print_list("skip_processes", &c.skip_processes);
  print_list("skip_extra_build_tools", &c.skip_extra_build_tools);
  print_list("read_write", &c.fs_read_write);
  print_list("read_only", &c.fs_read_only);
  print_list("local", &c.fs_local);
  print_list("not_found", &c.fs_not_found);
  print_list("env_include", &c.env_include);
  print_list("env_exclude", &c.env_exclude);
  print_list("env_unset", &c.env_unset);
  print_list("outgoing_filter", &c.outgoing_filter);
  print_list("unix_streams", &c.unix_streams);
  print_list("dns_filter", &c.dns_filter);
  printf(",\"mapping\":[");
  for (size_t i = 0; i < c.fs_mapping.count; i++) {
    if (i) putchar(',');
    putchar('[');
    json_cstr(c.fs_mapping.keys[i]);
    putchar(',');
    json_cstr(c.fs_mapping.values[i]);
    putchar(']');
  }
  printf("]}\n");
  config_free(&c);
  json_free(root);
  return 0;
}

static void print_warning(const char *message) { fprintf(stderr, "%s\n", message); }

static int cmd_fs(char **argv) {
  size_t len;
  char *text = read_all(stdin, &len);
  size_t json_len = strlen(text);
  char err[256];
  struct json *root = json_parse(text, json_len, err, sizeof err);
  struct layer_config c;
  if (!root || config_from_json(root, &c, err, sizeof err) < 0) {
    print_error(err);
    return 0;
  }
  struct fs_policy_env env = {argv[0][0] ? argv[0] : NULL, argv[1], argv[2], argv[3]};
  struct fs_policy *p = fs_policy_build(&c, &env, print_warning);
  char *lines = json_len < len ? text + json_len + 1 : text + len;
  for (char *save = NULL, *line = strtok_r(lines, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    if (strlen(line) < 3) continue;
    int is_write = line[0] == 'w';
    const char *path = line + 2;
    char *mapped = fs_policy_map(p, path);
    enum fs_decision d = fs_policy_decide(p, mapped ? mapped : path, is_write);
    printf("{\"path\":");
    json_cstr(path);
    printf(",\"mapped\":");
    json_cstr(mapped);
    printf(",\"decision\":\"%s\"}\n", d == FS_DECISION_LOCAL ? "local" : d == FS_DECISION_REMOTE ? "remote" : "not_found");
    free(mapped);
  }
  fs_policy_free(p);
  config_free(&c);
  json_free(root);
  return 0;
}

static void print_hex(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) printf("%s%02X", i ? " " : "", p[i]);
  printf("\n");
}

static int parse_open_options(const char *s, struct open_options *o) {
  memset(o, 0, sizeof *o);
  o->read = strchr(s, 'r') != NULL;
  o->write = strchr(s, 'w') != NULL;
  o->append = strchr(s, 'a') != NULL;
  o->truncate = strchr(s, 't') != NULL;
  o->create = strchr(s, 'c') != NULL;
  o->create_new = strchr(s, 'x') != NULL;
  return 0;
}

int parse_sockaddr(const char *ip, const char *port, struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  if (!strncmp(ip, "unix:", 5) || !strncmp(ip, "abstract:", 9)) {
    struct sockaddr_un *un = (struct sockaddr_un *)ss;
    un->sun_family = AF_UNIX;
    int abstract = ip[0] == 'a';
    const char *name = strchr(ip, ':') + 1;
    strcpy(un->sun_path + abstract, name);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + abstract + strlen(name) + (abstract ? 0 : 1));
    return 0;
  }
  struct sockaddr_in *in = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, ip, &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)atoi(port));
    *len = sizeof *in;
    return 0;
  }
  if (inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)atoi(port));
    *len = sizeof *in6;
    return 0;
  }
  return -1;
}

static uint64_t num(const char *s) { return strtoull(s, NULL, 0); }

static int cmd_encode(int argc, char **argv) {
  if (argc < 1) return 2;
  const char *kind = argv[0];
  uint8_t stack[64];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  struct open_options o;
  if (!strcmp(kind, "frame-new-session") || !strcmp(kind, "new-session")) {
    /* PARENT|- PID PPID NAME LOADED ARGV... */
    struct process_info info = {(int32_t)atoi(argv[2]), (int32_t)atoi(argv[3]), argv[4],
                                (const char *const *)argv + 6, (size_t)(argc - 6), atoi(argv[5])};
    int has_parent = strcmp(argv[1], "-") != 0;
    enc_new_session(&b, has_parent, has_parent ? num(argv[1]) : 0, &info);
    if (kind[0] == 'f') {
      uint8_t header[FRAME_HEADER_MAX];
      size_t h = frame_header(header, 0, b.len);
      uint8_t all[1024];
      memcpy(all, header, h);
      memcpy(all + h, b.data, b.len);
      print_hex(all, h + b.len);
      return 0;
    }
  } else if (!strcmp(kind, "frame-header")) {
    uint8_t header[FRAME_HEADER_MAX];
    size_t h = frame_header(header, num(argv[1]), (size_t)num(argv[2]));
    print_hex(header, h);
    return 0;
  } else if (!strcmp(kind, "open")) {
    parse_open_options(argv[2], &o);
    enc_file_open(&b, argv[1], &o);
  } else if (!strcmp(kind, "open-relative")) {
    parse_open_options(argv[3], &o);
    enc_file_open_relative(&b, num(argv[1]), argv[2], &o);
  } else if (!strcmp(kind, "read")) enc_file_read(&b, num(argv[1]), num(argv[2]));
  else if (!strcmp(kind, "read-limited")) enc_file_read_limited(&b, num(argv[1]), num(argv[2]), num(argv[3]));
  else if (!strcmp(kind, "seek")) enc_file_seek(&b, num(argv[1]), (enum seek_from)atoi(argv[2]), strtoll(argv[3], NULL, 0));
  else if (!strcmp(kind, "write")) enc_file_write(&b, num(argv[1]), argv[2], strlen(argv[2]));
  else if (!strcmp(kind, "write-limited")) enc_file_write_limited(&b, num(argv[1]), num(argv[2]), argv[3], strlen(argv[3]));
  else if (!strcmp(kind, "close")) enc_file_close(&b, num(argv[1]));
  else if (!strcmp(kind, "access")) enc_file_access(&b, argv[1], (uint8_t)atoi(argv[2]));
  else if (!strcmp(kind, "xstat-path")) enc_file_xstat(&b, argv[1], 0, 0, atoi(argv[2]));
  else if (!strcmp(kind, "xstat-fd")) enc_file_xstat(&b, NULL, 1, num(argv[1]), 1);
  else if (!strcmp(kind, "xstat-fd-path")) enc_file_xstat(&b, argv[2], 1, num(argv[1]), atoi(argv[3]));
  else if (!strcmp(kind, "xstatfs")) enc_file_xstat_fs_v2(&b, num(argv[1]));
  else if (!strcmp(kind, "statfs")) enc_file_stat_fs_v2(&b, argv[1]);
  else if (!strcmp(kind, "fdopendir")) enc_file_fd_open_dir(&b, num(argv[1]));
  else if (!strcmp(kind, "readdir")) enc_file_read_dir(&b, num(argv[1]));
  else if (!strcmp(kind, "closedir")) enc_file_close_dir(&b, num(argv[1]));
  else if (!strcmp(kind, "getdents64")) enc_file_get_dents64(&b, num(argv[1]), num(argv[2]));
  else if (!strcmp(kind, "readlink")) enc_file_read_link(&b, argv[1]);
  else if (!strcmp(kind, "mkdir")) enc_file_make_dir(&b, argv[1], (uint32_t)num(argv[2]));
  else if (!strcmp(kind, "mkdirat")) enc_file_make_dir_at(&b, num(argv[1]), argv[2], (uint32_t)num(argv[3]));
  else if (!strcmp(kind, "rmdir")) enc_file_remove_dir(&b, argv[1]);
  else if (!strcmp(kind, "unlink")) enc_file_unlink(&b, argv[1]);
  else if (!strcmp(kind, "unlinkat")) {
    int has = strcmp(argv[1], "-") != 0;
    enc_file_unlink_at(&b, has, has ? num(argv[1]) : 0, argv[2], (uint32_t)num(argv[3]));
  } else if (!strcmp(kind, "rename")) enc_file_rename(&b, argv[1], argv[2]);
  else if (!strcmp(kind, "ftruncate")) enc_file_ftruncate(&b, num(argv[1]), strtoll(argv[2], NULL, 0));
  else if (!strcmp(kind, "futimens")) {
    int64_t t[2][2] = {{0, 0}, {0, 0}};
    int has = argc > 2;
    if (has) {
      t[0][0] = strtoll(argv[2], NULL, 0);
      t[0][1] = strtoll(argv[3], NULL, 0);
      t[1][0] = strtoll(argv[4], NULL, 0);
      t[1][1] = strtoll(argv[5], NULL, 0);
    }
    enc_file_futimens(&b, num(argv[1]), has ? (const int64_t (*)[2])t : NULL);
  } else if (!strcmp(kind, "fchown")) enc_file_fchown(&b, num(argv[1]), (uint32_t)num(argv[2]), (uint32_t)num(argv[3]));
  else if (!strcmp(kind, "fchmod")) enc_file_fchmod(&b, num(argv[1]), (uint32_t)num(argv[2]));
  else if (!strcmp(kind, "getaddrinfo"))
    enc_get_addr_info(&b, argv[1], (uint16_t)num(argv[2]), (enum addr_family_req)atoi(argv[3]),
                      (enum sock_type_req)atoi(argv[4]), (int32_t)strtol(argv[5], NULL, 0),
                      (int32_t)strtol(argv[6], NULL, 0));
  else if (!strcmp(kind, "connect")) {
    struct sockaddr_storage ss;
    socklen_t len;
    if (parse_sockaddr(argv[1], argv[2], &ss, &len) < 0) return 2;
    enc_outgoing_connect(&b, (struct sockaddr *)&ss, len, (enum net_protocol)atoi(argv[3]),
                         argc > 4 ? argv[4] : NULL);
  } else if (!strcmp(kind, "outgoing-close")) enc_outgoing_close(&b, num(argv[1]), num(argv[2]));
  else if (!strcmp(kind, "outgoing-metadata")) enc_outgoing_conn_metadata(&b, num(argv[1]), num(argv[2]));
  else if (!strcmp(kind, "get-env")) {
    /* FILTER,... SELECT,... (empty = "") */
    const char *filter[16], *select[16];
    size_t nf = 0, ns = 0;
    char *save = NULL;
    for (char *t = strtok_r(argv[1], ",", &save); t; t = strtok_r(NULL, ",", &save)) filter[nf++] = t;
    for (char *t = strtok_r(argv[2], ",", &save); t; t = strtok_r(NULL, ",", &save)) select[ns++] = t;
    enc_get_env(&b, filter, nf, select, ns);
  } else if (!strcmp(kind, "uv")) wb_uv(&b, num(argv[1]));
  else if (!strcmp(kind, "sv")) wb_sv(&b, strtoll(argv[1], NULL, 0));
  else if (!strcmp(kind, "uv128")) wb_uv128(&b, num(argv[1]), num(argv[2]));
  else {
    fprintf(stderr, "unknown encode kind %s\n", kind);
    return 2;
  }
  print_hex(b.data, b.len);
  wb_free(&b);
  return 0;
}

size_t parse_hex(const char *hex, uint8_t *out, size_t cap) {
  size_t n = 0;
  for (const char *p = hex; *p && n < cap;) {
    if (*p == ' ') {
      p++;
      continue;
    }
    unsigned v;
    if (sscanf(p, "%2x", &v) != 1) break;
    out[n++] = (uint8_t)v;
    p += 2;
  }
  return n;
}

static int cmd_decode_error(const char *hex) {
  uint8_t buf[512];
  size_t n = parse_hex(hex, buf, sizeof buf);
  struct rbuf r;
  rb_init(&r, buf, n);
  struct remote_error e;
  dec_response_error(&r, &e);
  char name[64];
  printf("{\"errno\":%d,\"eai\":%d,\"name\":\"%s\",\"ok\":%s}\n", remote_error_errno(&e), remote_error_eai(&e),
         remote_error_name(&e, name, sizeof name), r.err ? "false" : "true");
  return 0;
}

static int cmd_decode_metadata(const char *hex) {
  uint8_t buf[512];
  size_t n = parse_hex(hex, buf, sizeof buf);
  struct rbuf r;
  rb_init(&r, buf, n);
  struct remote_metadata m;
  dec_metadata(&r, &m);
  printf("{\"dev\":%llu,\"ino\":%llu,\"mode\":%u,\"nlink\":%llu,\"uid\":%u,\"gid\":%u,\"rdev\":%llu,"
         "\"size\":%llu,\"atime\":%lld,\"mtime\":%lld,\"ctime\":%lld,\"blksize\":%llu,\"blocks\":%llu,"
         "\"ok\":%s,\"rest\":%zu}\n",
         (unsigned long long)m.device_id, (unsigned long long)m.inode, m.mode,
         (unsigned long long)m.hard_links, m.user_id, m.group_id, (unsigned long long)m.rdevice_id,
         (unsigned long long)m.size, (long long)m.access_time, (long long)m.modification_time,
         (long long)m.creation_time, (unsigned long long)m.block_size, (unsigned long long)m.blocks,
         r.err ? "false" : "true", r.len - r.pos);
  return 0;
}

static int cmd_decode_uv(const char *hex, int bits) {
  uint8_t buf[64];
  size_t n = parse_hex(hex, buf, sizeof buf);
  struct rbuf r;
  rb_init(&r, buf, n);
  if (bits == 128) {
    uint64_t hi, lo;
    rb_uv128(&r, &hi, &lo);
    printf("{\"hi\":\"%llu\",\"lo\":\"%llu\",\"ok\":%s}\n", (unsigned long long)hi, (unsigned long long)lo, r.err ? "false" : "true");
  } else if (bits < 0) {
    long long v = (long long)rb_sv(&r, -bits);
    printf("{\"value\":\"%lld\",\"ok\":%s}\n", v, r.err ? "false" : "true");
  } else {
    unsigned long long v = (unsigned long long)rb_uv(&r, bits);
    printf("{\"value\":\"%llu\",\"ok\":%s}\n", v, r.err ? "false" : "true");
  }
  return 0;
}

static int cmd_decode_address(const char *hex) {
  uint8_t buf[256];
  size_t n = parse_hex(hex, buf, sizeof buf);
  struct rbuf r;
  rb_init(&r, buf, n);
  struct sockaddr_storage ss;
  socklen_t len;
  rb_socket_address(&r, &ss, &len);
  char text[INET6_ADDRSTRLEN + 128] = "";
  if (ss.ss_family == AF_INET) {
    inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, text, sizeof text);
    printf("{\"ip\":\"%s\",\"port\":%d", text, ntohs(((struct sockaddr_in *)&ss)->sin_port));
  } else if (ss.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, text, sizeof text);
    printf("{\"ip\":\"%s\",\"port\":%d", text, ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
  } else {
    struct sockaddr_un *un = (struct sockaddr_un *)&ss;
    int abstract = len > offsetof(struct sockaddr_un, sun_path) && un->sun_path[0] == 0;
    printf("{\"unix\":");
    json_cstr(un->sun_path + abstract);
    printf(",\"abstract\":%s", abstract ? "true" : "false");
  }
  printf(",\"ok\":%s}\n", r.err ? "false" : "true");
  return 0;
}

static int cmd_filter(char **argv, int dns) {
  struct nf_entry e;
  char err[256];
  if (nf_parse(argv[0], &e, err, sizeof err) < 0) {
    print_error(err);
    return 0;
  }
  int match;
  if (dns) {
    match = nf_matches_lookup(&e, argv[1], (uint16_t)atoi(argv[2]));
  } else {
    struct sockaddr_storage ss;
    socklen_t len;
    if (parse_sockaddr(argv[1], argv[2], &ss, &len) < 0) return 2;
    match = nf_matches_addr(&e, !strcmp(argv[3], "udp"), (struct sockaddr *)&ss);
  }
  printf("{\"match\":%s,\"host\":", match ? "true" : "false");
  json_cstr(e.kind == NF_ADDR_HOST ? e.host : NULL);
  printf("}\n");
  return 0;
}

static int freed_block;
static void free_block(struct ifaddrs *list) {
  freed_block = 1;
  free(list);
}

/* Entry i is named "i" so the output shows which entries were kept, and in which order. */
static int cmd_ifaddrs(const char *families) {
  size_t n = 1;
  for (const char *c = families; *c; c++) n += *c == ',';
  struct node {
    struct ifaddrs entry;
    struct sockaddr_storage addr;
    char name[24];
  } *block = calloc(n, sizeof *block);
  const char *c = families;
  for (size_t i = 0; i < n; i++, c = strchr(c, ',') ? strchr(c, ',') + 1 : c) {
    int family = atoi(c);
    snprintf(block[i].name, sizeof block[i].name, "%zu", i);
    block[i].entry.ifa_name = block[i].name;
    block[i].addr.ss_family = family == 6 ? AF_INET6 : AF_INET;
    block[i].entry.ifa_addr = family ? (struct sockaddr *)&block[i].addr : NULL;
    block[i].entry.ifa_next = i + 1 < n ? &block[i + 1].entry : NULL;
  }
  struct ifaddrs *list = &block[0].entry;
  ifaddrs_drop_ipv6(&list, free_block);
  printf("{\"kept\":[");
  for (struct ifaddrs *e = list; e; e = e->ifa_next) {
    int inside = (char *)e >= (char *)block && (char *)e < (char *)(block + n);
    printf("%s\"%s%s\"", e == list ? "" : ",", e->ifa_name, inside ? "" : " (outside the block)");
  }
  printf("],\"head_in_place\":%s,\"freed\":%s}\n", list == &block[0].entry ? "true" : "false",
         freed_block ? "true" : "false");
  if (!freed_block) free(block);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: layer_unit COMMAND ...\n");
    return 2;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "regex")) return cmd_regex();
  if (!strcmp(cmd, "replace")) return cmd_replace();
  if (!strcmp(cmd, "json")) return cmd_json(argc - 2, argv + 2);
  if (!strcmp(cmd, "config")) return cmd_config();
  if (!strcmp(cmd, "incoming")) return cmd_incoming(argc - 2, argv + 2);
  if (!strcmp(cmd, "fs") && argc == 6) return cmd_fs(argv + 2);
  if (!strcmp(cmd, "encode")) return cmd_encode(argc - 2, argv + 2);
  if (!strcmp(cmd, "decode-error") && argc == 3) return cmd_decode_error(argv[2]);
  if (!strcmp(cmd, "decode-metadata") && argc == 3) return cmd_decode_metadata(argv[2]);
  if (!strcmp(cmd, "decode-address") && argc == 3) return cmd_decode_address(argv[2]);
  if (!strcmp(cmd, "decode-uv") && argc == 4) return cmd_decode_uv(argv[3], atoi(argv[2]));
  if (!strcmp(cmd, "filter") && argc == 6) return cmd_filter(argv + 2, 0);
  if (!strcmp(cmd, "filter-dns") && argc == 5) return cmd_filter(argv + 2, 1);
  if (!strcmp(cmd, "ifaddrs") && argc == 3) return cmd_ifaddrs(argv[2]);
  if (!strcmp(cmd, "base64") && argc == 4) {
    size_t n;
    char *out = !strcmp(argv[2], "encode") ? base64_encode(argv[3], strlen(argv[3])) : base64_decode(argv[3], &n);
    printf("{\"result\":");
    json_cstr(out);
    printf("}\n");
    free(out);
    return 0;
  }
  fprintf(stderr, "unknown command %s\n", cmd);
  return 2;
}
