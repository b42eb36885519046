/* See remote_file.h. */
#include "remote_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errno_map.h"
#include "fd_table.h"
#include "intproxy_conn.h"
#include "layer.h"
#include "log.h"
#include "real.h"

int remote_file_call(struct wbuf *request, uint32_t expected, struct conn_response *resp) {
  if (request->oom) {
    wb_free(request);
    return -ENOMEM;
  }
  int rc = conn_request(request, resp);
  wb_free(request);
  if (rc < 0) return rc;
  if (resp->variant != P2L_FILE) {
    LOG_ERR("The internal proxy answered a file request with message %u — this is a bug, please report it", resp->variant);
    conn_response_free(resp);
    return -EIO;
  }
  uint32_t got = rb_variant(&resp->r);
  int ok = rb_result_ok(&resp->r);
  if (resp->r.err) {
    conn_response_free(resp);
    return -EIO;
  }
  if (!ok) {
    struct remote_error e;
    dec_response_error(&resp->r, &e);
    conn_response_free(resp);
    if (e.kind == RERR_NOT_IMPLEMENTED) return REMOTE_NOT_IMPLEMENTED;
    char name[64];
    LOG_DBG("remote file operation failed: %s", remote_error_name(&e, name, sizeof name));
    return -remote_error_errno(&e);
  }
  if (got != expected && !(expected == FRESP_XSTAT_FS && got == FRESP_XSTAT_FS_V2)) {
    LOG_ERR("The internal proxy answered file request with response %u instead of %u — this is a bug, please report it", got, expected);
    conn_response_free(resp);
    return -EIO;
  }
  return 0;
}

static struct open_options options_from_flags(int flags) {
  int acc = flags & O_ACCMODE;
  struct open_options o = {
    .read = acc == O_RDONLY || acc == O_RDWR,
    .write = acc == O_WRONLY || acc == O_RDWR,
    .append = (flags & O_APPEND) != 0,
    .truncate = (flags & O_TRUNC) != 0,
    .create = (flags & O_CREAT) != 0,
    .create_new = (flags & O_CREAT) && (flags & O_EXCL),
  };
  return o;
}

/* A real local fd standing for the remote one, so the number is valid and unique. */
static int make_placeholder(int flags, uint64_t remote_fd) {
  int acc = flags & O_ACCMODE;
  int cloexec = flags & O_CLOEXEC;
  if (layer.config.use_dev_null) return REAL(open)("/dev/null", acc | cloexec);
  const char *tmp = getenv("TMPDIR");
  if (!tmp || !*tmp) tmp = "/tmp";
  static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int attempt = 0; attempt < 16; attempt++) {
    char name[PATH_MAX];
    char suffix[17];
    uint64_t seed = (uint64_t)getpid() * 6364136223846793005ULL + remote_fd * 1442695040888963407ULL + (uint64_t)attempt;
    for (int i = 0; i < 16; i++) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      suffix[i] = alnum[(seed >> 33) % (sizeof alnum - 1)];
    }
    suffix[16] = 0;
    snprintf(name, sizeof name, "%s/%llu-%s", tmp, (unsigned long long)remote_fd, suffix);
    int fd = REAL(open)(name, O_RDWR | O_CREAT | O_EXCL | cloexec, 0600);
    if (fd >= 0) {
      REAL(unlink)(name);
      return fd;
    }
    if (errno != EEXIST) break;
  }
  return -1;
}

int remote_open(const struct routed_path *rp, int flags, int *open_locally) {
  *open_locally = 0;
  struct open_options o = options_from_flags(flags);
  uint8_t stack[512];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  if (rp->route == ROUTE_REMOTE_RELATIVE) enc_file_open_relative(&b, rp->remote_dir_fd, rp->path, &o);
  else enc_file_open(&b, rp->path, &o);
  struct conn_response resp;
  int rc = remote_file_call(&b, FRESP_OPEN, &resp);
  if (rc == REMOTE_NOT_IMPLEMENTED) return -EINVAL;
  if (rc < 0) return rc;
  uint64_t remote_fd = rb_uv(&resp.r, 64);
  conn_response_free(&resp);
  int fd = make_placeholder(flags, remote_fd);
  if (fd < 0 || fd_file_add(fd, remote_fd, flags) < 0) {
    int err = fd < 0 ? errno : EMFILE;
    if (fd >= 0) REAL(close)(fd);
    conn_send_file_close(remote_fd);
    return -err;
  }
  LOG_DBG("open %s -> remote fd %llu as fd %d", rp->path, (unsigned long long)remote_fd, fd);
  return fd;
}

/* Copies the bytes of a ReadFileResponse into buf. */
static ssize_t take_read_bytes(struct conn_response *resp, void *buf, size_t count) {
  size_t n;
  const uint8_t *bytes = rb_bytes(&resp->r, &n);
  if (resp->r.err) {
    conn_response_free(resp);
    return -EIO;
  }
  if (n > count) n = count;
  memcpy(buf, bytes, n);
  conn_response_free(resp);
  return (ssize_t)n;
}

ssize_t remote_read(int fd, void *buf, size_t count) {
  struct file_record *f = fd_file_get(fd);
  if (!f) return -EBADF;
  if (count > REMOTE_READ_MAX) count = REMOTE_READ_MAX;
  uint8_t stack[32];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_read(&b, f->remote_fd, count);
  fd_file_put(f);
  struct conn_response resp;
  int rc = remote_file_call(&b, FRESP_READ, &resp);
  if (rc < 0) return rc == REMOTE_NOT_IMPLEMENTED ? -EINVAL : rc;
  return take_read_bytes(&resp, buf, count);
}

ssize_t remote_pread(int fd, void *buf, size_t count, uint64_t offset) {
  struct file_record *f = fd_file_get(fd);
  if (!f) return -EBADF;
  if (count > REMOTE_READ_MAX) count = REMOTE_READ_MAX;
  uint8_t stack[40];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_read_limited(&b, f->remote_fd, count, offset);
  fd_file_put(f);
  struct conn_response resp;
  int rc = remote_file_call(&b, FRESP_READ_LIMITED, &resp);
  if (rc < 0) return rc == REMOTE_NOT_IMPLEMENTED ? -EINVAL : rc;
  return take_read_bytes(&resp, buf, count);
}

static ssize_t written_amount(struct wbuf *b, uint32_t expected) {
  struct conn_response resp;
  int rc = remote_file_call(b, expected, &resp);
  if (rc < 0) return rc == REMOTE_NOT_IMPLEMENTED ? -EINVAL : rc;
  uint64_t n = rb_uv(&resp.r, 64);
  int bad = resp.r.err;
  conn_response_free(&resp);
  return bad ? -EIO : (ssize_t)n;
}

ssize_t remote_write(int fd, const void *buf, size_t count) {
  struct file_record *f = fd_file_get(fd);
  if (!f) return -EBADF;
  struct wbuf b;
  wb_init(&b, NULL, 0);
  enc_file_write(&b, f->remote_fd, buf, count);
  fd_file_put(f);
  return written_amount(&b, FRESP_WRITE);
}

ssize_t remote_pwrite(int fd, const void *buf, size_t count, uint64_t offset) {
  struct file_record *f = fd_file_get(fd);
  if (!f) return -EBADF;
  struct wbuf b;
  wb_init(&b, NULL, 0);
  enc_file_write_limited(&b, f->remote_fd, offset, buf, count);
  fd_file_put(f);
  return written_amount(&b, FRESP_WRITE_LIMITED);
}

int64_t remote_lseek(int fd, int64_t offset, int whence) {
  enum seek_from from;
  if (whence == SEEK_SET) {
    if (offset < 0) return -EINVAL;
    from = SEEK_FROM_START;
  } else if (whence == SEEK_CUR) {
    from = SEEK_FROM_CURRENT;
  } else if (whence == SEEK_END) {
    from = SEEK_FROM_END;
  } else {
    return -EINVAL;
  }
  struct file_record *f = fd_file_get(fd);
  if (!f) return -EBADF;
  uint8_t stack[40];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_seek(&b, f->remote_fd, from, offset);
  fd_file_put(f);
  struct conn_response resp;
  int rc = remote_file_call(&b, FRESP_SEEK, &resp);
  if (rc < 0) return rc == REMOTE_NOT_IMPLEMENTED ? -EINVAL : rc;
  uint64_t result = rb_uv(&resp.r, 64);
  int bad = resp.r.err;
  conn_response_free(&resp);
  return bad ? -EIO : (int64_t)result;
}

static int unit_result(struct wbuf *b, uint32_t expected) {
  struct conn_response resp;
  int rc = remote_file_call(b, expected, &resp);
  if (rc < 0) return rc;
  conn_response_free(&resp);
  return 0;
}

int remote_ftruncate(int fd, int64_t length) {
  struct file_record *f = fd_file_get(fd);
  if (!f) return -EBADF;
  uint8_t stack[40];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_ftruncate(&b, f->remote_fd, length);
  fd_file_put(f);
  int rc = unit_result(&b, FRESP_FTRUNCATE);
  return rc == REMOTE_NOT_IMPLEMENTED ? -EINVAL : rc;
}

/* The three "change an open file" requests share their shape: one request on the remote fd,
   an empty Ok. */
enum fd_change { CHANGE_TIMES, CHANGE_OWNER, CHANGE_MODE };

static int change_fd(int fd, enum fd_change what, const int64_t (*times)[2], uint32_t a, uint32_t b2) {
  struct file_record *f = fd_file_get(fd);
  if (!f) return -EBADF;
  uint8_t stack[64];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  uint32_t expected;
  if (what == CHANGE_TIMES) {
    enc_file_futimens(&b, f->remote_fd, times);
    expected = FRESP_FUTIMENS;
  } else if (what == CHANGE_OWNER) {
    enc_file_fchown(&b, f->remote_fd, a, b2);
    expected = FRESP_FCHOWN;
  } else {
    enc_file_fchmod(&b, f->remote_fd, a);
    expected = FRESP_FCHMOD;
  }
  fd_file_put(f);
  int rc = unit_result(&b, expected);
  return rc == REMOTE_NOT_IMPLEMENTED ? -EINVAL : rc;
}

int remote_futimens(int fd, const int64_t (*times)[2]) { return change_fd(fd, CHANGE_TIMES, times, 0, 0); }
int remote_fchown(int fd, uint32_t owner, uint32_t group) { return change_fd(fd, CHANGE_OWNER, NULL, owner, group); }
int remote_fchmod(int fd, uint32_t mode) { return change_fd(fd, CHANGE_MODE, NULL, mode, 0); }

static int metadata_result(struct wbuf *b, struct remote_metadata *m) {
  struct conn_response resp;
  int rc = remote_file_call(b, FRESP_XSTAT, &resp);
  if (rc < 0) return rc == REMOTE_NOT_IMPLEMENTED ? -EINVAL : rc;
  dec_metadata(&resp.r, m);
  int bad = resp.r.err;
  conn_response_free(&resp);
  return bad ? -EIO : 0;
}

int remote_stat_path(const struct routed_path *rp, int follow_symlink, struct remote_metadata *m) {
  uint8_t stack[512];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  if (rp->route == ROUTE_REMOTE_RELATIVE) enc_file_xstat(&b, rp->path, 1, rp->remote_dir_fd, follow_symlink);
  else enc_file_xstat(&b, rp->path, 0, 0, follow_symlink);
  return metadata_result(&b, m);
}

int remote_stat_fd(uint64_t remote_fd, struct remote_metadata *m) {
  uint8_t stack[40];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_xstat(&b, NULL, 1, remote_fd, 1);
  return metadata_result(&b, m);
}

static int fs_metadata_result(struct wbuf *b, struct remote_fs_metadata *m) {
  struct conn_response resp;
  int rc = remote_file_call(b, FRESP_XSTAT_FS_V2, &resp);
  if (rc < 0) return rc == REMOTE_NOT_IMPLEMENTED ? -ENOSYS : rc;
  dec_fs_metadata_v2(&resp.r, m);
  int bad = resp.r.err;
  conn_response_free(&resp);
  return bad ? -EIO : 0;
}

int remote_statfs_path(const char *path, struct remote_fs_metadata *m) {
  uint8_t stack[512];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_stat_fs_v2(&b, path);
  return fs_metadata_result(&b, m);
}

int remote_statfs_fd(uint64_t remote_fd, struct remote_fs_metadata *m) {
  uint8_t stack[40];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_xstat_fs_v2(&b, remote_fd);
  return fs_metadata_result(&b, m);
}

int remote_access(const char *path, int mode) {
  uint8_t stack[512];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_access(&b, path, (uint8_t)mode);
  int rc = unit_result(&b, FRESP_ACCESS);
  return rc == REMOTE_NOT_IMPLEMENTED ? -EINVAL : rc;
}

ssize_t remote_readlink(const char *path, char *buf, size_t size) {
  uint8_t stack[512];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_read_link(&b, path);
  struct conn_response resp;
  int rc = remote_file_call(&b, FRESP_READ_LINK, &resp);
  if (rc < 0) return rc == REMOTE_NOT_IMPLEMENTED ? -EINVAL : rc;
  size_t n;
  const uint8_t *target = rb_bytes(&resp.r, &n);
  if (resp.r.err) {
    conn_response_free(&resp);
    return -EIO;
  }
  if (n > size) n = size; /* readlink truncates silently */
  memcpy(buf, target, n);
  conn_response_free(&resp);
  return (ssize_t)n;
}

int remote_mkdir(const struct routed_path *rp, mode_t mode) {
  uint8_t stack[512];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  if (rp->route == ROUTE_REMOTE_RELATIVE) enc_file_make_dir_at(&b, rp->remote_dir_fd, rp->path, mode);
  else enc_file_make_dir(&b, rp->path, mode);
  return unit_result(&b, FRESP_MAKE_DIR);
}

int remote_rmdir(const char *path) {
  uint8_t stack[512];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_remove_dir(&b, path);
  return unit_result(&b, FRESP_REMOVE_DIR);
}

int remote_unlink(const struct routed_path *rp, int at, int flags) {
  uint8_t stack[512];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  if (rp->route == ROUTE_REMOTE_RELATIVE) enc_file_unlink_at(&b, 1, rp->remote_dir_fd, rp->path, (uint32_t)flags);
  else if (at) enc_file_unlink_at(&b, 0, 0, rp->path, (uint32_t)flags);
  else enc_file_unlink(&b, rp->path);
  return unit_result(&b, FRESP_UNLINK);
}

int remote_rename(const char *old_path, const char *new_path) {
  uint8_t stack[1024];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_rename(&b, old_path, new_path);
  int rc = unit_result(&b, FRESP_RENAME);
  return rc == REMOTE_NOT_IMPLEMENTED ? -EINVAL : rc;
}
