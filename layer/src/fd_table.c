/* See fd_table.h. */
#include "fd_table.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "intproxy_conn.h"
#include "log.h"

#define FILE_POOL 16384
#define SOCKET_POOL 4096
#define INITIAL_SLOTS 1024

struct fd_slot {
  uint8_t kind;     /* enum fd_kind, read without the lock */
  uint32_t index;   /* into the file or socket pool; only read under the lock */
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
/* Published with release semantics; an old array stays valid (it is never freed) so lock-free
   readers racing with growth read a stale but consistent view. */
static struct fd_slot *slots;
static size_t slot_count;

struct file_entry {
  struct file_record rec;
  int used;
};
struct socket_entry {
  struct socket_record rec;
  int used;
};

static struct file_entry file_pool[FILE_POOL];
static struct socket_entry socket_pool[SOCKET_POOL];
static uint32_t file_next_free, socket_next_free; /* scan hints */

enum fd_kind fd_kind_of(int fd) {
  struct fd_slot *s = __atomic_load_n(&slots, __ATOMIC_ACQUIRE);
  size_t n = __atomic_load_n(&slot_count, __ATOMIC_ACQUIRE);
  if (fd < 0 || !s || (size_t)fd >= n) return FD_KIND_NONE;
  return (enum fd_kind)__atomic_load_n(&s[fd].kind, __ATOMIC_ACQUIRE);
}

/* Caller holds the lock. */
static int ensure_slot(int fd) {
  if (fd < 0) return -1;
  if ((size_t)fd < slot_count) return 0;
  size_t n = slot_count ? slot_count : INITIAL_SLOTS;
  while (n <= (size_t)fd) n *= 2;
  struct fd_slot *grown = calloc(n, sizeof *grown);
  if (!grown) return -1;
  if (slots) memcpy(grown, slots, slot_count * sizeof *grown);
  __atomic_store_n(&slots, grown, __ATOMIC_RELEASE);
  __atomic_store_n(&slot_count, n, __ATOMIC_RELEASE);
  return 0;
}

static void set_slot(int fd, enum fd_kind kind, uint32_t index) {
  slots[fd].index = index;
  __atomic_store_n(&slots[fd].kind, (uint8_t)kind, __ATOMIC_RELEASE);
}

static int alloc_file(void) {
  for (uint32_t i = 0; i < FILE_POOL; i++) {
    uint32_t idx = (file_next_free + i) % FILE_POOL;
    if (!file_pool[idx].used) {
      file_pool[idx].used = 1;
      file_next_free = idx + 1;
      return (int)idx;
    }
  }
  return -1;
}

static int alloc_socket(void) {
  for (uint32_t i = 0; i < SOCKET_POOL; i++) {
    uint32_t idx = (socket_next_free + i) % SOCKET_POOL;
    if (!socket_pool[idx].used) {
      socket_pool[idx].used = 1;
      socket_next_free = idx + 1;
      return (int)idx;
    }
  }
  return -1;
}

int fd_file_add(int fd, uint64_t remote_fd, int flags) {
  pthread_mutex_lock(&table_lock);
  int idx = ensure_slot(fd) == 0 ? alloc_file() : -1;
  if (idx >= 0) {
    struct file_record *r = &file_pool[idx].rec;
    memset(r, 0, sizeof *r);
    r->refs = 1;
    r->remote_fd = remote_fd;
    r->flags = flags;
    set_slot(fd, FD_KIND_FILE, (uint32_t)idx);
  }
  pthread_mutex_unlock(&table_lock);
  return idx >= 0 ? 0 : -1;
}

struct file_record *fd_file_get(int fd) {
  if (fd_kind_of(fd) != FD_KIND_FILE) return NULL;
  struct file_record *r = NULL;
  pthread_mutex_lock(&table_lock);
  if ((size_t)fd < slot_count && slots[fd].kind == FD_KIND_FILE) {
    r = &file_pool[slots[fd].index].rec;
    r->refs++;
  }
  pthread_mutex_unlock(&table_lock);
  return r;
}

/* Caller holds the lock; returns the remote fd to close, or 0 with *close_it = 0. */
static uint64_t release_file(struct file_record *r, int *close_it) {
  *close_it = 0;
  if (--r->refs > 0) return 0;
  *close_it = 1;
  uint64_t remote = r->remote_fd;
  struct file_entry *e = (struct file_entry *)r;
  e->used = 0;
  return remote;
}

void fd_file_put(struct file_record *r) {
  if (!r) return;
  int close_it;
  pthread_mutex_lock(&table_lock);
  uint64_t remote = release_file(r, &close_it);
  pthread_mutex_unlock(&table_lock);
  if (close_it) conn_send_file_close(remote);
}

int fd_socket_add(int fd, int domain, int type, int protocol) {
  pthread_mutex_lock(&table_lock);
  int idx = ensure_slot(fd) == 0 ? alloc_socket() : -1;
  if (idx >= 0) {
    struct socket_record *r = &socket_pool[idx].rec;
    memset(r, 0, sizeof *r);
    r->refs = 1;
    r->domain = domain;
    r->type = type;
    r->protocol = protocol;
    r->state = SOCKET_INITIALIZED;
    set_slot(fd, FD_KIND_SOCKET, (uint32_t)idx);
  }
  pthread_mutex_unlock(&table_lock);
  return idx >= 0 ? 0 : -1;
}

int fd_socket_snapshot(int fd, struct socket_record *out) {
  if (fd_kind_of(fd) != FD_KIND_SOCKET) return -1;
  int rc = -1;
  pthread_mutex_lock(&table_lock);
  if ((size_t)fd < slot_count && slots[fd].kind == FD_KIND_SOCKET) {
    *out = socket_pool[slots[fd].index].rec;
    rc = 0;
  }
  pthread_mutex_unlock(&table_lock);
  return rc;
}

int fd_socket_store(int fd, const struct socket_record *in) {
  int rc = -1;
  pthread_mutex_lock(&table_lock);
  if (fd >= 0 && (size_t)fd < slot_count && slots[fd].kind == FD_KIND_SOCKET) {
    struct socket_record *r = &socket_pool[slots[fd].index].rec;
    int refs = r->refs;
    *r = *in;
    r->refs = refs;
    rc = 0;
  }
  pthread_mutex_unlock(&table_lock);
  return rc;
}

int fd_socket_each(int (*fn)(int fd, const struct socket_record *r, void *ctx), void *ctx) {
  int rc = 0;
  pthread_mutex_lock(&table_lock);
  for (size_t fd = 0; fd < slot_count && !rc; fd++)
    if (slots[fd].kind == FD_KIND_SOCKET) rc = fn((int)fd, &socket_pool[slots[fd].index].rec, ctx);
  pthread_mutex_unlock(&table_lock);
  return rc;
}

/* Releases whatever fd's slot holds; caller holds the lock. Returns work to do after unlocking. */
struct release_work {
  int close_file;
  uint64_t remote_fd;
  int close_connection;
  uint64_t conn_hi, conn_lo;
  int unsubscribe;
  uint16_t port;
  struct sockaddr_storage listening_on;
  socklen_t listening_on_len;
};

static void release_slot(int fd, struct release_work *w) {
  if (fd < 0 || (size_t)fd >= slot_count) return;
  struct fd_slot *s = &slots[fd];
  if (s->kind == FD_KIND_FILE) {
    w->remote_fd = release_file(&file_pool[s->index].rec, &w->close_file);
  } else if (s->kind == FD_KIND_SOCKET) {
    struct socket_entry *e = &socket_pool[s->index];
    if (--e->rec.refs == 0) {
      if (e->rec.via_agent) {
        w->close_connection = 1;
        w->conn_hi = e->rec.conn_hi;
        w->conn_lo = e->rec.conn_lo;
      }
      if (e->rec.subscribed) {
        w->unsubscribe = 1;
        w->port = e->rec.remote_port;
        w->listening_on = e->rec.bound;
        w->listening_on_len = e->rec.bound_len;
      }
      e->used = 0;
    }
  }
  __atomic_store_n(&s->kind, (uint8_t)FD_KIND_NONE, __ATOMIC_RELEASE);
}

static void do_release_work(const struct release_work *w) {
  if (w->close_file) conn_send_file_close(w->remote_fd);
  if (w->close_connection) conn_send_outgoing_close(w->conn_hi, w->conn_lo);
  if (w->unsubscribe)
    conn_send_port_unsubscribe(w->port, (const struct sockaddr *)&w->listening_on, w->listening_on_len);
}

int fd_socket_put(int fd, const struct socket_record *rec) {
  struct release_work w = {0};
  pthread_mutex_lock(&table_lock);
  int idx = ensure_slot(fd) == 0 ? alloc_socket() : -1;
  if (idx >= 0) {
    release_slot(fd, &w);
    socket_pool[idx].rec = *rec;
    socket_pool[idx].rec.refs = 1;
    set_slot(fd, FD_KIND_SOCKET, (uint32_t)idx);
  }
  pthread_mutex_unlock(&table_lock);
  do_release_work(&w);
  return idx >= 0 ? 0 : -1;
}

int fd_table_close(int fd, int (*real_close)(int)) {
  struct release_work w = {0};
  pthread_mutex_lock(&table_lock);
  int rc = real_close(fd);
  int saved_errno = errno;
  release_slot(fd, &w);
  pthread_mutex_unlock(&table_lock);
  do_release_work(&w);
  errno = saved_errno;
  return rc;
}

int fd_table_close_range(unsigned int first, unsigned int last, int cloexec_only,
                         int (*real_close_range)(unsigned int, unsigned int, int), int flags) {
  pthread_mutex_lock(&table_lock);
  int rc = real_close_range(first, last, flags);
  int saved_errno = errno;
  if (rc == 0 && !cloexec_only)
    for (size_t fd = first; fd < slot_count && fd <= last; fd++) {
      if (slots[fd].kind == FD_KIND_NONE) continue;
      struct release_work w = {0};
      release_slot((int)fd, &w);
      /* sent under the table lock so no fd opened after the close_range is touched; the lock
         order table -> link is the one the fork handlers use too */
      do_release_work(&w);
    }
  pthread_mutex_unlock(&table_lock);
  errno = saved_errno;
  return rc;
}

void fd_table_dup(int old_fd, int new_fd) {
  if (old_fd == new_fd) return;
  enum fd_kind old_kind = fd_kind_of(old_fd);
  if (old_kind == FD_KIND_NONE && fd_kind_of(new_fd) == FD_KIND_NONE) return;
  struct release_work w = {0};
  pthread_mutex_lock(&table_lock);
  release_slot(new_fd, &w);
  if ((size_t)old_fd < slot_count && slots[old_fd].kind != FD_KIND_NONE && ensure_slot(new_fd) == 0) {
    struct fd_slot s = slots[old_fd];
    if (s.kind == FD_KIND_FILE) file_pool[s.index].rec.refs++;
    else socket_pool[s.index].rec.refs++;
    set_slot(new_fd, (enum fd_kind)s.kind, s.index);
  }
  pthread_mutex_unlock(&table_lock);
  do_release_work(&w);
}

void fd_table_lock_for_fork(void) { pthread_mutex_lock(&table_lock); }

void fd_table_unlock_after_fork(int child) {
  if (child) pthread_mutex_init(&table_lock, NULL);
  else pthread_mutex_unlock(&table_lock);
}
