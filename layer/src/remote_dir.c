/* See remote_dir.h. */
#include "remote_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "fd_table.h"
#include "intproxy_conn.h"
#include "log.h"
#include "real.h"
#include "remote_file.h"

#define DIR_POOL 1024

struct remote_dir {
  int used;
  int fd;                   /* the placeholder fd that owns the remote file */
  uint64_t remote_dir_fd;
  long last_position;
  struct dirent64 entry64;
  struct dirent entry;
};

static struct remote_dir pool[DIR_POOL];
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;

int remote_dir_owns(const DIR *dir) {
  const char *p = (const char *)dir, *base = (const char *)pool;
  if (p < base || p >= base + sizeof pool) return 0;
  return (size_t)(p - base) % sizeof pool[0] == 0 && ((const struct remote_dir *)dir)->used;
}

static struct remote_dir *alloc_dir(void) {
  pthread_mutex_lock(&pool_lock);
  struct remote_dir *d = NULL;
  for (int i = 0; i < DIR_POOL && !d; i++)
    if (!pool[i].used) {
      d = &pool[i];
      memset(d, 0, sizeof *d);
      d->used = 1;
    }
  pthread_mutex_unlock(&pool_lock);
  return d;
}

static void free_dir(struct remote_dir *d) {
  pthread_mutex_lock(&pool_lock);
  d->used = 0;
  pthread_mutex_unlock(&pool_lock);
}

/* FdOpenDir on a remote file fd; returns the remote dir fd via *out or -errno. */
static int open_dir_stream(uint64_t remote_fd, uint64_t *out) {
  uint8_t stack[32];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_fd_open_dir(&b, remote_fd);
  struct conn_response resp;
  int rc = remote_file_call(&b, FRESP_OPEN_DIR, &resp);
  if (rc < 0) return rc == REMOTE_NOT_IMPLEMENTED ? -EINVAL : rc;
  *out = rb_uv(&resp.r, 64);
  int bad = resp.r.err;
  conn_response_free(&resp);
  return bad ? -EIO : 0;
}

DIR *remote_fdopendir(int fd, int *err) {
  struct file_record *f = fd_file_get(fd);
  if (!f) {
    *err = EBADF;
    return NULL;
  }
  uint64_t dir_fd;
  int rc = open_dir_stream(f->remote_fd, &dir_fd);
  fd_file_put(f);
  if (rc < 0) {
    *err = -rc;
    return NULL;
  }
  struct remote_dir *d = alloc_dir();
  if (!d) {
    conn_send_dir_close(dir_fd);
    *err = EMFILE;
    return NULL;
  }
  d->fd = fd;
  d->remote_dir_fd = dir_fd;
  return (DIR *)d;
}

DIR *remote_opendir(const struct routed_path *rp, int *err) {
  int open_locally;
  int fd = remote_open(rp, O_RDONLY | O_DIRECTORY | O_CLOEXEC, &open_locally);
  if (open_locally) {
    *err = 0;
    return REAL(opendir)(rp->path);
  }
  if (fd < 0) {
    *err = -fd;
    return NULL;
  }
  DIR *dir = remote_fdopendir(fd, err);
  if (!dir) fd_table_close(fd, REAL(close));
  return dir;
}

/* ReadDir; returns 1 with an entry, 0 at the end, -errno on error. The name is copied into
   name (NUL-terminated, truncated to 255 bytes). */
static int next_entry(struct remote_dir *d, struct remote_dir_entry *e, char name[256]) {
  uint8_t stack[32];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_read_dir(&b, d->remote_dir_fd);
  struct conn_response resp;
  int rc = remote_file_call(&b, FRESP_READ_DIR, &resp);
  if (rc < 0) return rc == REMOTE_NOT_IMPLEMENTED ? -EINVAL : rc;
  int has = rb_opt(&resp.r);
  if (has) {
    dec_dir_entry(&resp.r, e);
    size_t n = e->name_len < 255 ? e->name_len : 255;
    memcpy(name, e->name, n);
    name[n] = 0;
  }
  int bad = resp.r.err;
  conn_response_free(&resp);
  if (bad) return -EIO;
  if (has) d->last_position = (long)e->position;
  return has;
}

struct dirent64 *remote_readdir64(DIR *dir, int *err) {
  struct remote_dir *d = (struct remote_dir *)dir;
  struct remote_dir_entry e;
  char name[256];
  int rc = next_entry(d, &e, name);
  *err = rc < 0 ? -rc : 0;
  if (rc <= 0) return NULL;
  struct dirent64 *out = &d->entry64;
  memset(out, 0, offsetof(struct dirent64, d_name));
  out->d_ino = e.inode;
  out->d_off = (off64_t)e.position;
  out->d_type = e.file_type;
  out->d_reclen = sizeof *out;
  memcpy(out->d_name, name, strlen(name) + 1);
  return out;
}

struct dirent *remote_readdir(DIR *dir, int *err) {
  struct remote_dir *d = (struct remote_dir *)dir;
  struct remote_dir_entry e;
  char name[256];
  int rc = next_entry(d, &e, name);
  *err = rc < 0 ? -rc : 0;
  if (rc <= 0) return NULL;
  struct dirent *out = &d->entry;
  memset(out, 0, offsetof(struct dirent, d_name));
  out->d_ino = (ino_t)e.inode;
  out->d_off = (off_t)e.position;
  out->d_type = e.file_type;
  out->d_reclen = sizeof *out;
  memcpy(out->d_name, name, strlen(name) + 1);
  return out;
}

int remote_closedir(DIR *dir) {
  struct remote_dir *d = (struct remote_dir *)dir;
  conn_send_dir_close(d->remote_dir_fd);
  int fd = d->fd;
  free_dir(d);
  return fd_table_close(fd, REAL(close));
}

int remote_dirfd(DIR *dir) { return ((struct remote_dir *)dir)->fd; }

void remote_rewinddir(DIR *dir) {
  struct remote_dir *d = (struct remote_dir *)dir;
  struct file_record *f = fd_file_get(d->fd);
  if (!f) return;
  uint64_t fresh;
  if (open_dir_stream(f->remote_fd, &fresh) == 0) {
    conn_send_dir_close(d->remote_dir_fd);
    d->remote_dir_fd = fresh;
    d->last_position = 0;
  } else {
    LOG_WRN("Cannot rewind a remote directory listing; it continues where it was");
  }
  fd_file_put(f);
}

long remote_telldir(DIR *dir) { return ((struct remote_dir *)dir)->last_position; }

ssize_t remote_getdents64(int fd, void *buf, size_t size) {
  struct file_record *f = fd_file_get(fd);
  if (!f) return -EBADF;
  uint8_t stack[32];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_get_dents64(&b, f->remote_fd, size);
  fd_file_put(f);
  struct conn_response resp;
  int rc = remote_file_call(&b, FRESP_GET_DENTS64, &resp);
  if (rc < 0) return rc == REMOTE_NOT_IMPLEMENTED ? -EINVAL : rc;
  rb_uv(&resp.r, 64); /* fd */
  uint64_t count = rb_uv(&resp.r, 64);
  size_t used = 0;
  for (uint64_t i = 0; i < count && !resp.r.err; i++) {
    struct remote_dir_entry e;
    dec_dir_entry(&resp.r, &e);
    size_t reclen = (offsetof(struct dirent64, d_name) + e.name_len + 1 + 7) & ~(size_t)7;
    if (used + reclen > size) {
      if (used == 0) {
        conn_response_free(&resp);
        return -EINVAL; /* buffer too small for one entry, as the kernel says */
      }
      break;
    }
    struct dirent64 *out = (struct dirent64 *)((char *)buf + used);
    memset(out, 0, reclen);
    out->d_ino = e.inode;
    out->d_off = (off64_t)e.position;
    out->d_reclen = (unsigned short)reclen;
    out->d_type = e.file_type;
    memcpy(out->d_name, e.name, e.name_len);
    used += reclen;
  }
  int bad = resp.r.err;
  conn_response_free(&resp);
  return bad ? -EIO : (ssize_t)used;
}
