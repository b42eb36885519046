/*
 * bincode 2 ("standard" configuration) for the local link of mirrord 3.250.0: the layer's
 * LayerToProxyMessage requests and the ProxyToLayerMessage responses it reads
 * (../shared/design/protocol.md §1, §3.8-3.11, §5). Frames (length prefix + message id) are
 * added by intproxy_conn.c; these functions produce/consume the `inner` message only.
 */
#ifndef LAYER_CODEC_H
#define LAYER_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* ---- writer ---------------------------------------------------------------------------- */

struct wbuf {
  uint8_t *data;
  size_t len, cap;
  int oom;   /* an allocation failed: the buffer is unusable */
  int heap;  /* data is malloc'd (else it is the caller's stack buffer) */
};

/** Starts writing into a caller-provided buffer; grows onto the heap only when it overflows. */
void wb_init(struct wbuf *b, uint8_t *initial, size_t cap);
void wb_free(struct wbuf *b);
void wb_u8(struct wbuf *b, uint8_t v);
void wb_bool(struct wbuf *b, int v);
void wb_uv(struct wbuf *b, uint64_t v);
void wb_uv128(struct wbuf *b, uint64_t hi, uint64_t lo);
void wb_sv(struct wbuf *b, int64_t v);
void wb_str(struct wbuf *b, const char *s, size_t len);
void wb_cstr(struct wbuf *b, const char *s);
void wb_bytes(struct wbuf *b, const void *p, size_t len);
/** std::net::SocketAddr; returns 0 for a non-IP family. */
int wb_socket_addr(struct wbuf *b, const struct sockaddr *sa, socklen_t len);
/** mirrord's SocketAddress (Ip | Unix); returns 0 for an unsupported family. */
int wb_socket_address(struct wbuf *b, const struct sockaddr *sa, socklen_t len);

/* ---- reader ---------------------------------------------------------------------------- */

struct rbuf {
  const uint8_t *p;
  size_t len, pos;
  int err; /* set on truncated or malformed input; reads then return zeroes */
};

void rb_init(struct rbuf *r, const void *p, size_t len);
uint8_t rb_u8(struct rbuf *r);
int rb_bool(struct rbuf *r);
/** Unsigned varint of `bits` width (16, 32, 64); wider markers are an error. */
uint64_t rb_uv(struct rbuf *r, int bits);
void rb_uv128(struct rbuf *r, uint64_t *hi, uint64_t *lo);
int64_t rb_sv(struct rbuf *r, int bits);
/** A str/bytes: pointer into the buffer (not NUL-terminated) and its length. */
const uint8_t *rb_bytes(struct rbuf *r, size_t *len);
/** Option tag: 0 or 1 (anything else sets err). */
int rb_opt(struct rbuf *r);
uint32_t rb_variant(struct rbuf *r);
/** Result tag: 1 = Ok, 0 = Err. */
int rb_result_ok(struct rbuf *r);
/** std::net::SocketAddr into a sockaddr_in/in6. */
void rb_socket_addr(struct rbuf *r, struct sockaddr_storage *out, socklen_t *out_len);
/** std::net::IpAddr into a sockaddr (port 0). */
void rb_ip_addr(struct rbuf *r, struct sockaddr_storage *out, socklen_t *out_len);
/** mirrord's SocketAddress into a sockaddr (sockaddr_un for Unix). */
void rb_socket_address(struct rbuf *r, struct sockaddr_storage *out, socklen_t *out_len);

/* ---- framing (protocol.md §2.3, §5.1) ------------------------------------------------------ */

/** Largest frame header: 4-byte big-endian length + the message id varint. */
#define FRAME_HEADER_MAX 13

/**
 * Writes the header of a local-link frame whose LocalMessage has this id and an inner message of
 * inner_len bytes; returns the header length. The length prefix counts the id and the inner part.
 */
size_t frame_header(uint8_t out[FRAME_HEADER_MAX], uint64_t message_id, size_t inner_len);

/* ---- message numbering (protocol.md §3.9, §5.2, §5.3) ------------------------------------ */

enum layer_to_proxy { L2P_NEW_SESSION, L2P_FILE, L2P_GET_ADDR_INFO, L2P_OUTGOING, L2P_INCOMING, L2P_GET_ENV };
enum proxy_to_layer { P2L_NEW_SESSION, P2L_FILE, P2L_GET_ADDR_INFO, P2L_OUTGOING, P2L_INCOMING,
                      P2L_GET_ENV, P2L_PROXY_FAILED };

enum file_request {
  FREQ_OPEN, FREQ_OPEN_RELATIVE, FREQ_READ, FREQ_READ_LIMITED, FREQ_SEEK, FREQ_WRITE,
  FREQ_WRITE_LIMITED, FREQ_CLOSE, FREQ_ACCESS, FREQ_XSTAT, FREQ_XSTAT_FS, FREQ_FD_OPEN_DIR,
  FREQ_READ_DIR, FREQ_CLOSE_DIR, FREQ_GET_DENTS64, FREQ_READ_LINK, FREQ_READ_DIR_BATCH,
  FREQ_MAKE_DIR, FREQ_MAKE_DIR_AT, FREQ_REMOVE_DIR, FREQ_UNLINK, FREQ_UNLINK_AT, FREQ_STAT_FS,
  FREQ_XSTAT_FS_V2, FREQ_STAT_FS_V2, FREQ_RENAME, FREQ_FTRUNCATE, FREQ_FUTIMENS, FREQ_FCHOWN,
  FREQ_FCHMOD
};

enum file_response {
  FRESP_OPEN, FRESP_READ, FRESP_READ_LIMITED, FRESP_WRITE, FRESP_WRITE_LIMITED, FRESP_SEEK,
  FRESP_ACCESS, FRESP_XSTAT, FRESP_XSTAT_FS, FRESP_READ_DIR, FRESP_OPEN_DIR, FRESP_GET_DENTS64,
  FRESP_READ_LINK, FRESP_READ_DIR_BATCH, FRESP_MAKE_DIR, FRESP_REMOVE_DIR, FRESP_UNLINK,
  FRESP_XSTAT_FS_V2, FRESP_RENAME, FRESP_FTRUNCATE, FRESP_FUTIMENS, FRESP_FCHOWN, FRESP_FCHMOD
};

enum net_protocol { NET_STREAM, NET_DATAGRAMS, NET_SEQPACKET };
enum seek_from { SEEK_FROM_START, SEEK_FROM_END, SEEK_FROM_CURRENT };
enum addr_family_req { AF_REQ_IPV4_ONLY, AF_REQ_IPV6_ONLY, AF_REQ_BOTH, AF_REQ_ANY };
enum sock_type_req { SOCK_REQ_STREAM, SOCK_REQ_DGRAM, SOCK_REQ_ANY };

struct open_options {
  int read, write, append, truncate, create, create_new;
};

/* ---- requests (the `inner` LayerToProxyMessage) ------------------------------------------ */

struct process_info {
  int32_t pid, parent_pid;
  const char *name;
  const char *const *cmdline;
  size_t cmdline_len;
  int loaded;
};

void enc_new_session(struct wbuf *b, int has_parent, uint64_t parent_layer, const struct process_info *info);
void enc_file_open(struct wbuf *b, const char *path, const struct open_options *o);
void enc_file_open_relative(struct wbuf *b, uint64_t dir_fd, const char *path, const struct open_options *o);
void enc_file_read(struct wbuf *b, uint64_t fd, uint64_t size);
void enc_file_read_limited(struct wbuf *b, uint64_t fd, uint64_t size, uint64_t start);
void enc_file_seek(struct wbuf *b, uint64_t fd, enum seek_from from, int64_t offset);
void enc_file_write(struct wbuf *b, uint64_t fd, const void *data, size_t len);
void enc_file_write_limited(struct wbuf *b, uint64_t fd, uint64_t start, const void *data, size_t len);
void enc_file_close(struct wbuf *b, uint64_t fd);
void enc_file_access(struct wbuf *b, const char *path, uint8_t mode);
void enc_file_xstat(struct wbuf *b, const char *path, int has_fd, uint64_t fd, int follow_symlink);
void enc_file_xstat_fs_v2(struct wbuf *b, uint64_t fd);
void enc_file_stat_fs_v2(struct wbuf *b, const char *path);
void enc_file_fd_open_dir(struct wbuf *b, uint64_t fd);
void enc_file_read_dir(struct wbuf *b, uint64_t dir_fd);
void enc_file_close_dir(struct wbuf *b, uint64_t dir_fd);
void enc_file_get_dents64(struct wbuf *b, uint64_t fd, uint64_t size);
void enc_file_read_link(struct wbuf *b, const char *path);
void enc_file_make_dir(struct wbuf *b, const char *path, uint32_t mode);
void enc_file_make_dir_at(struct wbuf *b, uint64_t dir_fd, const char *path, uint32_t mode);
void enc_file_remove_dir(struct wbuf *b, const char *path);
void enc_file_unlink(struct wbuf *b, const char *path);
void enc_file_unlink_at(struct wbuf *b, int has_dir_fd, uint64_t dir_fd, const char *path, uint32_t flags);
void enc_file_rename(struct wbuf *b, const char *old_path, const char *new_path);
void enc_file_ftruncate(struct wbuf *b, uint64_t fd, int64_t length);
/** times: NULL for "now" (None), else [atime, mtime] as (seconds, nanoseconds) pairs. */
void enc_file_futimens(struct wbuf *b, uint64_t fd, const int64_t (*times)[2]);
void enc_file_fchown(struct wbuf *b, uint64_t fd, uint32_t owner, uint32_t group);
void enc_file_fchmod(struct wbuf *b, uint64_t fd, uint32_t mode);
void enc_get_addr_info(struct wbuf *b, const char *node, uint16_t port, enum addr_family_req family,
                       enum sock_type_req socktype, int32_t flags, int32_t protocol);
int enc_outgoing_connect(struct wbuf *b, const struct sockaddr *remote, socklen_t len,
                         enum net_protocol protocol, const char *hostname);
void enc_outgoing_conn_metadata(struct wbuf *b, uint64_t conn_hi, uint64_t conn_lo);
void enc_outgoing_close(struct wbuf *b, uint64_t conn_hi, uint64_t conn_lo);
void enc_get_env(struct wbuf *b, const char *const *filter, size_t filter_len,
                 const char *const *select, size_t select_len);

/* ---- responses ----------------------------------------------------------------------------- */

/** A decoded ResponseError: enough to pick an errno / getaddrinfo code and to log it. */
struct remote_error {
  uint32_t kind;          /* ResponseError variant (protocol.md §3.15) */
  int has_os_error;
  int32_t raw_os_error;   /* RemoteIO */
  uint32_t io_kind;       /* RemoteIO ErrorKindInternal */
  uint32_t dns_kind;      /* DnsLookup ResolveErrorKindInternal */
  uint32_t remote_kind;   /* Remote RemoteError variant */
};

enum response_error_kind {
  RERR_IDS_EXHAUSTED, RERR_NOT_FOUND, RERR_NOT_DIRECTORY, RERR_NOT_FILE, RERR_REMOTE_IO,
  RERR_DNS_LOOKUP, RERR_REMOTE, RERR_PORT_ALREADY_STOLEN, RERR_NOT_IMPLEMENTED, RERR_FORBIDDEN,
  RERR_STRIP_PREFIX, RERR_OPEN_LOCAL, RERR_FORBIDDEN_WITH_REASON, RERR_SYSTEM_FAILURE
};

/** Reads a ResponseError (the payload after a Result Err tag). */
void dec_response_error(struct rbuf *r, struct remote_error *e);

/** File metadata as the agent reports it (MetadataInternal). */
struct remote_metadata {
  uint64_t device_id, inode;
  uint32_t mode;
  uint64_t hard_links;
  uint32_t user_id, group_id;
  uint64_t rdevice_id, size;
  int64_t access_time, modification_time, creation_time;
  uint64_t block_size, blocks;
};
void dec_metadata(struct rbuf *r, struct remote_metadata *m);

/** FsMetadataInternalV2. */
struct remote_fs_metadata {
  int64_t filesystem_type, block_size;
  uint64_t blocks, blocks_free, blocks_available, files, files_free;
  int32_t filesystem_id[2];
  int64_t name_len, fragment_size, flags;
};
void dec_fs_metadata_v2(struct rbuf *r, struct remote_fs_metadata *m);
/** FsMetadataInternal (V1: no fsid/name_len/fragment_size/flags). */
void dec_fs_metadata_v1(struct rbuf *r, struct remote_fs_metadata *m);

/** DirEntryInternal; name points into the buffer. */
struct remote_dir_entry {
  uint64_t inode, position;
  const uint8_t *name;
  size_t name_len;
  uint8_t file_type;
};
void dec_dir_entry(struct rbuf *r, struct remote_dir_entry *e);

#endif
