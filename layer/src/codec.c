/* See codec.h. Encoders always emit canonical (shortest) varints; decoders accept any form that
   fits the target width, as bincode does. */
#include "codec.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

/* ---- writer ---------------------------------------------------------------------------- */

void wb_init(struct wbuf *b, uint8_t *initial, size_t cap) {
  b->data = initial;
  b->len = 0;
  b->cap = initial ? cap : 0;
  b->oom = 0;
  b->heap = 0;
}

void wb_free(struct wbuf *b) {
  if (b->heap) free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
  b->heap = 0;
}

static int reserve(struct wbuf *b, size_t extra) {
  if (b->oom) return 0;
  if (b->len + extra <= b->cap) return 1;
  size_t cap = b->cap ? b->cap * 2 : 256;
  while (cap < b->len + extra) cap *= 2;
  uint8_t *grown = b->heap ? realloc(b->data, cap) : malloc(cap);
  if (!grown) {
    b->oom = 1;
    return 0;
  }
  if (!b->heap && b->len) memcpy(grown, b->data, b->len);
  b->data = grown;
  b->cap = cap;
  b->heap = 1;
  return 1;
}

static void put(struct wbuf *b, const void *p, size_t n) {
  if (!reserve(b, n)) return;
  if (n) memcpy(b->data + b->len, p, n);
  b->len += n;
}

void wb_u8(struct wbuf *b, uint8_t v) { put(b, &v, 1); }
void wb_bool(struct wbuf *b, int v) { wb_u8(b, v ? 1 : 0); }

static void put_le(struct wbuf *b, uint64_t v, int bytes) {
  uint8_t tmp[8];
  for (int i = 0; i < bytes; i++) tmp[i] = (uint8_t)(v >> (8 * i));
  put(b, tmp, (size_t)bytes);
}

void wb_uv(struct wbuf *b, uint64_t v) {
  if (v <= 250) {
    wb_u8(b, (uint8_t)v);
  } else if (v <= 0xFFFF) {
    wb_u8(b, 0xFB);
    put_le(b, v, 2);
  } else if (v <= 0xFFFFFFFFu) {
    wb_u8(b, 0xFC);
    put_le(b, v, 4);
  } else {
    wb_u8(b, 0xFD);
    put_le(b, v, 8);
  }
}

void wb_uv128(struct wbuf *b, uint64_t hi, uint64_t lo) {
  if (hi == 0) {
    wb_uv(b, lo);
    return;
  }
  wb_u8(b, 0xFE);
  put_le(b, lo, 8);
  put_le(b, hi, 8);
}

void wb_sv(struct wbuf *b, int64_t v) {
  uint64_t zigzag = v < 0 ? ((uint64_t)(-(v + 1)) << 1) | 1 : (uint64_t)v << 1;
  wb_uv(b, zigzag);
}

void wb_str(struct wbuf *b, const char *s, size_t len) {
  wb_uv(b, len);
  put(b, s, len);
}

void wb_cstr(struct wbuf *b, const char *s) { wb_str(b, s, strlen(s)); }

void wb_bytes(struct wbuf *b, const void *p, size_t len) {
  wb_uv(b, len);
  put(b, p, len);
}

int wb_socket_addr(struct wbuf *b, const struct sockaddr *sa, socklen_t len) {
  if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    wb_uv(b, 0);
    put(b, &in->sin_addr, 4);
    wb_uv(b, ntohs(in->sin_port));
    return 1;
  }
  if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
    wb_uv(b, 1);
    put(b, &in6->sin6_addr, 16);
    wb_uv(b, ntohs(in6->sin6_port));
    return 1;
  }
  return 0;
}

int wb_socket_address(struct wbuf *b, const struct sockaddr *sa, socklen_t len) {
  if (sa->sa_family == AF_INET || sa->sa_family == AF_INET6) {
    wb_uv(b, 0);
    return wb_socket_addr(b, sa, len);
  }
  if (sa->sa_family != AF_UNIX) return 0;
  const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
  size_t path_len = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
  if (path_len > sizeof un->sun_path) path_len = sizeof un->sun_path;
  wb_uv(b, 1);
  if (path_len == 0) {
    wb_uv(b, 2); /* Unnamed */
  } else if (un->sun_path[0] == 0) {
    wb_uv(b, 1); /* Abstract, without the leading NUL */
    wb_bytes(b, un->sun_path + 1, path_len - 1);
  } else {
    wb_uv(b, 0); /* Pathname */
    wb_str(b, un->sun_path, strnlen(un->sun_path, path_len));
  }
  return 1;
}

/* ---- reader ---------------------------------------------------------------------------- */

void rb_init(struct rbuf *r, const void *p, size_t len) {
  r->p = p;
  r->len = len;
  r->pos = 0;
  r->err = 0;
}

static const uint8_t *take(struct rbuf *r, size_t n) {
  if (r->err || r->len - r->pos < n) {
    r->err = 1;
    return NULL;
  }
  const uint8_t *p = r->p + r->pos;
  r->pos += n;
  return p;
}

uint8_t rb_u8(struct rbuf *r) {
  const uint8_t *p = take(r, 1);
  return p ? *p : 0;
}

int rb_bool(struct rbuf *r) {
  uint8_t v = rb_u8(r);
  if (v > 1) r->err = 1;
  return v == 1;
}

static uint64_t get_le(struct rbuf *r, int bytes) {
  const uint8_t *p = take(r, (size_t)bytes);
  uint64_t v = 0;
  if (!p) return 0;
  for (int i = bytes - 1; i >= 0; i--) v = (v << 8) | p[i];
  return v;
}

uint64_t rb_uv(struct rbuf *r, int bits) {
  uint8_t m = rb_u8(r);
  if (r->err) return 0;
  if (m <= 250) return m;
  if (m == 0xFB) return get_le(r, 2);
  if (m == 0xFC && bits >= 32) return get_le(r, 4);
  if (m == 0xFD && bits >= 64) return get_le(r, 8);
  r->err = 1;
  return 0;
}

void rb_uv128(struct rbuf *r, uint64_t *hi, uint64_t *lo) {
  uint8_t m = r->len > r->pos && !r->err ? r->p[r->pos] : 0;
  *hi = 0;
  if (m == 0xFE) {
    r->pos++;
    *lo = get_le(r, 8);
    *hi = get_le(r, 8);
    return;
  }
  *lo = rb_uv(r, 64);
}

int64_t rb_sv(struct rbuf *r, int bits) {
  uint64_t z = rb_uv(r, bits);
  return (z & 1) ? -(int64_t)(z >> 1) - 1 : (int64_t)(z >> 1);
}

const uint8_t *rb_bytes(struct rbuf *r, size_t *len) {
  uint64_t n = rb_uv(r, 64);
  if (r->err || n > r->len - r->pos) {
    r->err = 1;
    *len = 0;
    return (const uint8_t *)"";
  }
  *len = (size_t)n;
  return take(r, (size_t)n);
}

int rb_opt(struct rbuf *r) {
  uint8_t tag = rb_u8(r);
  if (tag > 1) r->err = 1;
  return tag == 1;
}

uint32_t rb_variant(struct rbuf *r) { return (uint32_t)rb_uv(r, 32); }

int rb_result_ok(struct rbuf *r) {
  uint32_t tag = rb_variant(r);
  if (tag > 1) r->err = 1;
  return tag == 0;
}

void rb_ip_addr(struct rbuf *r, struct sockaddr_storage *out, socklen_t *out_len) {
  memset(out, 0, sizeof *out);
  uint32_t tag = rb_variant(r);
  if (tag == 0) {
    struct sockaddr_in *in = (struct sockaddr_in *)out;
    const uint8_t *p = take(r, 4);
    in->sin_family = AF_INET;
    if (p) memcpy(&in->sin_addr, p, 4);
    *out_len = sizeof *in;
  } else if (tag == 1) {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
    const uint8_t *p = take(r, 16);
    in6->sin6_family = AF_INET6;
    if (p) memcpy(&in6->sin6_addr, p, 16);
    *out_len = sizeof *in6;
  } else {
    r->err = 1;
    *out_len = 0;
  }
}

void rb_socket_addr(struct rbuf *r, struct sockaddr_storage *out, socklen_t *out_len) {
  rb_ip_addr(r, out, out_len);
  uint16_t port = (uint16_t)rb_uv(r, 16);
  if (out->ss_family == AF_INET) ((struct sockaddr_in *)out)->sin_port = htons(port);
  else if (out->ss_family == AF_INET6) ((struct sockaddr_in6 *)out)->sin6_port = htons(port);
}

void rb_socket_address(struct rbuf *r, struct sockaddr_storage *out, socklen_t *out_len) {
  uint32_t tag = rb_variant(r);
  if (tag == 0) {
    rb_socket_addr(r, out, out_len);
    return;
  }
  memset(out, 0, sizeof *out);
  struct sockaddr_un *un = (struct sockaddr_un *)out;
  un->sun_family = AF_UNIX;
  *out_len = offsetof(struct sockaddr_un, sun_path);
  if (tag != 1) {
    r->err = 1;
    return;
  }
  uint32_t kind = rb_variant(r);
  size_t n = 0;
  const uint8_t *p = kind < 2 ? rb_bytes(r, &n) : NULL;
  if (kind == 0 && n < sizeof un->sun_path) {
    memcpy(un->sun_path, p, n);
    *out_len += (socklen_t)(n + 1);
  } else if (kind == 1 && n + 1 <= sizeof un->sun_path) {
    memcpy(un->sun_path + 1, p, n);
    *out_len += (socklen_t)(n + 1);
  } else if (kind != 2) {
    r->err = 1;
  }
}

size_t frame_header(uint8_t out[FRAME_HEADER_MAX], uint64_t message_id, size_t inner_len) {
  struct wbuf id;
  uint8_t id_bytes[9];
  wb_init(&id, id_bytes, sizeof id_bytes);
  wb_uv(&id, message_id);
  uint32_t total = (uint32_t)(id.len + inner_len);
  out[0] = (uint8_t)(total >> 24);
  out[1] = (uint8_t)(total >> 16);
  out[2] = (uint8_t)(total >> 8);
  out[3] = (uint8_t)total;
  memcpy(out + 4, id_bytes, id.len);
  return 4 + id.len;
}

/* ---- requests -------------------------------------------------------------------------- */

void enc_new_session(struct wbuf *b, int has_parent, uint64_t parent_layer, const struct process_info *info) {
  wb_uv(b, L2P_NEW_SESSION);
  wb_u8(b, has_parent ? 1 : 0);
  if (has_parent) wb_uv(b, parent_layer);
  wb_sv(b, info->pid);
  wb_sv(b, info->parent_pid);
  wb_cstr(b, info->name);
  wb_uv(b, info->cmdline_len);
  for (size_t i = 0; i < info->cmdline_len; i++) wb_cstr(b, info->cmdline[i]);
  wb_bool(b, info->loaded);
}

static void file_header(struct wbuf *b, enum file_request req) {
  wb_uv(b, L2P_FILE);
  wb_uv(b, req);
}

static void open_options(struct wbuf *b, const struct open_options *o) {
  wb_bool(b, o->read);
  wb_bool(b, o->write);
  wb_bool(b, o->append);
  wb_bool(b, o->truncate);
  wb_bool(b, o->create);
  wb_bool(b, o->create_new);
}

void enc_file_open(struct wbuf *b, const char *path, const struct open_options *o) {
  file_header(b, FREQ_OPEN);
  wb_cstr(b, path);
  open_options(b, o);
}

void enc_file_open_relative(struct wbuf *b, uint64_t dir_fd, const char *path, const struct open_options *o) {
  file_header(b, FREQ_OPEN_RELATIVE);
  wb_uv(b, dir_fd);
  wb_cstr(b, path);
  open_options(b, o);
}

void enc_file_read(struct wbuf *b, uint64_t fd, uint64_t size) {
  file_header(b, FREQ_READ);
  wb_uv(b, fd);
  wb_uv(b, size);
}

void enc_file_read_limited(struct wbuf *b, uint64_t fd, uint64_t size, uint64_t start) {
  file_header(b, FREQ_READ_LIMITED);
  wb_uv(b, fd);
  wb_uv(b, size);
  wb_uv(b, start);
}

void enc_file_seek(struct wbuf *b, uint64_t fd, enum seek_from from, int64_t offset) {
  file_header(b, FREQ_SEEK);
  wb_uv(b, fd);
  wb_uv(b, from);
  if (from == SEEK_FROM_START) wb_uv(b, (uint64_t)offset);
  else wb_sv(b, offset);
}

void enc_file_write(struct wbuf *b, uint64_t fd, const void *data, size_t len) {
  file_header(b, FREQ_WRITE);
  wb_uv(b, fd);
  wb_bytes(b, data, len);
}

void enc_file_write_limited(struct wbuf *b, uint64_t fd, uint64_t start, const void *data, size_t len) {
  file_header(b, FREQ_WRITE_LIMITED);
  wb_uv(b, fd);
  wb_uv(b, start);
  wb_bytes(b, data, len);
}

void enc_file_close(struct wbuf *b, uint64_t fd) {
  file_header(b, FREQ_CLOSE);
  wb_uv(b, fd);
}

void enc_file_access(struct wbuf *b, const char *path, uint8_t mode) {
  file_header(b, FREQ_ACCESS);
  wb_cstr(b, path);
  wb_u8(b, mode);
}

void enc_file_xstat(struct wbuf *b, const char *path, int has_fd, uint64_t fd, int follow_symlink) {
  file_header(b, FREQ_XSTAT);
  wb_u8(b, path ? 1 : 0);
  if (path) wb_cstr(b, path);
  wb_u8(b, has_fd ? 1 : 0);
  if (has_fd) wb_uv(b, fd);
  wb_bool(b, follow_symlink);
}

void enc_file_xstat_fs_v2(struct wbuf *b, uint64_t fd) {
  file_header(b, FREQ_XSTAT_FS_V2);
  wb_uv(b, fd);
}

void enc_file_stat_fs_v2(struct wbuf *b, const char *path) {
  file_header(b, FREQ_STAT_FS_V2);
  wb_cstr(b, path);
}

void enc_file_fd_open_dir(struct wbuf *b, uint64_t fd) {
  file_header(b, FREQ_FD_OPEN_DIR);
  wb_uv(b, fd);
}

void enc_file_read_dir(struct wbuf *b, uint64_t dir_fd) {
  file_header(b, FREQ_READ_DIR);
  wb_uv(b, dir_fd);
}

void enc_file_close_dir(struct wbuf *b, uint64_t dir_fd) {
  file_header(b, FREQ_CLOSE_DIR);
  wb_uv(b, dir_fd);
}

void enc_file_get_dents64(struct wbuf *b, uint64_t fd, uint64_t size) {
  file_header(b, FREQ_GET_DENTS64);
  wb_uv(b, fd);
  wb_uv(b, size);
}

void enc_file_read_link(struct wbuf *b, const char *path) {
  file_header(b, FREQ_READ_LINK);
  wb_cstr(b, path);
}

void enc_file_make_dir(struct wbuf *b, const char *path, uint32_t mode) {
  file_header(b, FREQ_MAKE_DIR);
  wb_cstr(b, path);
  wb_uv(b, mode);
}

void enc_file_make_dir_at(struct wbuf *b, uint64_t dir_fd, const char *path, uint32_t mode) {
  file_header(b, FREQ_MAKE_DIR_AT);
  wb_uv(b, dir_fd);
  wb_cstr(b, path);
  wb_uv(b, mode);
}

void enc_file_remove_dir(struct wbuf *b, const char *path) {
  file_header(b, FREQ_REMOVE_DIR);
  wb_cstr(b, path);
}

void enc_file_unlink(struct wbuf *b, const char *path) {
  file_header(b, FREQ_UNLINK);
  wb_cstr(b, path);
}

void enc_file_unlink_at(struct wbuf *b, int has_dir_fd, uint64_t dir_fd, const char *path, uint32_t flags) {
  file_header(b, FREQ_UNLINK_AT);
  wb_u8(b, has_dir_fd ? 1 : 0);
  if (has_dir_fd) wb_uv(b, dir_fd);
  wb_cstr(b, path);
  wb_uv(b, flags);
}

void enc_file_rename(struct wbuf *b, const char *old_path, const char *new_path) {
  file_header(b, FREQ_RENAME);
  wb_cstr(b, old_path);
  wb_cstr(b, new_path);
}

void enc_file_ftruncate(struct wbuf *b, uint64_t fd, int64_t length) {
  file_header(b, FREQ_FTRUNCATE);
  wb_uv(b, fd);
  wb_sv(b, length);
}

void enc_file_futimens(struct wbuf *b, uint64_t fd, const int64_t (*times)[2]) {
  file_header(b, FREQ_FUTIMENS);
  wb_uv(b, fd);
  wb_u8(b, times ? 1 : 0);
  if (times)
    for (int i = 0; i < 2; i++) {
      wb_sv(b, times[i][0]);
      wb_sv(b, times[i][1]);
    }
}

void enc_file_fchown(struct wbuf *b, uint64_t fd, uint32_t owner, uint32_t group) {
  file_header(b, FREQ_FCHOWN);
  wb_uv(b, fd);
  wb_uv(b, owner);
  wb_uv(b, group);
}

void enc_file_fchmod(struct wbuf *b, uint64_t fd, uint32_t mode) {
  file_header(b, FREQ_FCHMOD);
  wb_uv(b, fd);
  wb_uv(b, mode);
}

void enc_get_addr_info(struct wbuf *b, const char *node, uint16_t port, enum addr_family_req family,
                       enum sock_type_req socktype, int32_t flags, int32_t protocol) {
  wb_uv(b, L2P_GET_ADDR_INFO);
  wb_cstr(b, node);
  wb_uv(b, port);
  wb_uv(b, family);
  wb_uv(b, socktype);
  wb_sv(b, flags);
  wb_sv(b, protocol);
}

int enc_outgoing_connect(struct wbuf *b, const struct sockaddr *remote, socklen_t len,
                         enum net_protocol protocol, const char *hostname) {
  wb_uv(b, L2P_OUTGOING);
  wb_uv(b, 0); /* Connect */
  if (!wb_socket_address(b, remote, len)) return 0;
  wb_uv(b, protocol);
  wb_u8(b, hostname ? 1 : 0);
  if (hostname) wb_cstr(b, hostname);
  return 1;
}

void enc_outgoing_conn_metadata(struct wbuf *b, uint64_t conn_hi, uint64_t conn_lo) {
  wb_uv(b, L2P_OUTGOING);
  wb_uv(b, 1);
  wb_uv128(b, conn_hi, conn_lo);
}

void enc_outgoing_close(struct wbuf *b, uint64_t conn_hi, uint64_t conn_lo) {
  wb_uv(b, L2P_OUTGOING);
  wb_uv(b, 2);
  wb_uv128(b, conn_hi, conn_lo);
}

void enc_get_env(struct wbuf *b, const char *const *filter, size_t filter_len,
                 const char *const *select, size_t select_len) {
  wb_uv(b, L2P_GET_ENV);
  wb_uv(b, filter_len);
  for (size_t i = 0; i < filter_len; i++) wb_cstr(b, filter[i]);
  wb_uv(b, select_len);
  for (size_t i = 0; i < select_len; i++) wb_cstr(b, select[i]);
}

/* ---- responses ------------------------------------------------------------------------- */

static void skip_str(struct rbuf *r) {
  size_t n;
  rb_bytes(r, &n);
}

void dec_response_error(struct rbuf *r, struct remote_error *e) {
  memset(e, 0, sizeof *e);
  e->kind = rb_variant(r);
  switch (e->kind) {
    case RERR_REMOTE_IO:
      e->has_os_error = rb_opt(r);
      if (e->has_os_error) e->raw_os_error = (int32_t)rb_sv(r, 32);
      e->io_kind = rb_variant(r);
      break;
    case RERR_DNS_LOOKUP:
      e->dns_kind = rb_variant(r);
      break;
    case RERR_REMOTE:
      e->remote_kind = rb_variant(r);
      break;
    case RERR_IDS_EXHAUSTED:
    case RERR_STRIP_PREFIX:
      skip_str(r);
      break;
    default:
      /* the rest of the error is not needed to pick an errno; the layer ignores trailing bytes */
      break;
  }
}

void dec_metadata(struct rbuf *r, struct remote_metadata *m) {
  m->device_id = rb_uv(r, 64);
  m->inode = rb_uv(r, 64);
  m->mode = (uint32_t)rb_uv(r, 32);
  m->hard_links = rb_uv(r, 64);
  m->user_id = (uint32_t)rb_uv(r, 32);
  m->group_id = (uint32_t)rb_uv(r, 32);
  m->rdevice_id = rb_uv(r, 64);
  m->size = rb_uv(r, 64);
  m->access_time = rb_sv(r, 64);
  m->modification_time = rb_sv(r, 64);
  m->creation_time = rb_sv(r, 64);
  m->block_size = rb_uv(r, 64);
  m->blocks = rb_uv(r, 64);
}

void dec_fs_metadata_v1(struct rbuf *r, struct remote_fs_metadata *m) {
  memset(m, 0, sizeof *m);
  m->filesystem_type = rb_sv(r, 64);
  m->block_size = rb_sv(r, 64);
  m->blocks = rb_uv(r, 64);
  m->blocks_free = rb_uv(r, 64);
  m->blocks_available = rb_uv(r, 64);
  m->files = rb_uv(r, 64);
  m->files_free = rb_uv(r, 64);
}

void dec_fs_metadata_v2(struct rbuf *r, struct remote_fs_metadata *m) {
  dec_fs_metadata_v1(r, m);
  m->filesystem_id[0] = (int32_t)rb_sv(r, 32);
  m->filesystem_id[1] = (int32_t)rb_sv(r, 32);
  m->name_len = rb_sv(r, 64);
  m->fragment_size = rb_sv(r, 64);
  m->flags = rb_sv(r, 64);
}

void dec_dir_entry(struct rbuf *r, struct remote_dir_entry *e) {
  e->inode = rb_uv(r, 64);
  e->position = rb_uv(r, 64);
  e->name = rb_bytes(r, &e->name_len);
  e->file_type = rb_u8(r);
}
