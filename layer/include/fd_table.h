/*
 * Which of the process's descriptors the layer manages (how-it-works.md §5.3): remote files
 * (a local placeholder fd standing for an agent-side fd) and tracked sockets. The per-fd lookup
 * is lock-free so unmanaged fds (the common case, possibly inside a signal handler) pay one
 * array read; records come from fixed pools so close() never calls malloc/free.
 * Records are reference counted: one reference per fd (dup shares the record) plus one per
 * in-flight operation; the remote Close is sent when the last reference goes.
 */
#ifndef LAYER_FD_TABLE_H
#define LAYER_FD_TABLE_H

#include <stdint.h>
#include <sys/socket.h>

enum fd_kind { FD_KIND_NONE = 0, FD_KIND_FILE = 1, FD_KIND_SOCKET = 2 };

struct file_record {
  int refs;
  uint64_t remote_fd;
  int flags;          /* open flags, for F_GETFL-style questions */
};

enum socket_state { SOCKET_INITIALIZED, SOCKET_BOUND, SOCKET_LISTENING, SOCKET_CONNECTED };

struct socket_record {
  int refs;
  int domain, type, protocol;   /* type without SOCK_NONBLOCK/SOCK_CLOEXEC */
  enum socket_state state;
  struct sockaddr_storage requested;   /* bind: what the app asked for */
  socklen_t requested_len;
  struct sockaddr_storage bound;       /* bind: what it really got */
  socklen_t bound_len;
  struct sockaddr_storage remote;      /* connected: the destination the app asked for */
  socklen_t remote_len;
  struct sockaddr_storage in_cluster;  /* connected through the agent: the pod-side local address */
  socklen_t in_cluster_len;
  struct sockaddr_storage layer_addr;  /* connected through the agent: the intproxy's socket */
  socklen_t layer_addr_len;
  int via_agent;                       /* outgoing connection relayed by the intproxy */
  uint64_t conn_hi, conn_lo;           /* its connection id (u128) */
  int only_bound;                      /* bound, never subscribed (ignored port, incoming off...) */
  int subscribed;                      /* listening, with a port subscription at the intproxy */
  uint16_t remote_port;                /* subscribed: the target's port (after port_mapping) */
  int incoming;                        /* accepted from a subscribed listener: remote is the
                                          cluster-side client, in_cluster the pod-side address */
};

/** Kind of fd, without locking. */
enum fd_kind fd_kind_of(int fd);

/* ---- files ---------------------------------------------------------------------------- */

/** Registers fd as a placeholder for remote_fd. Returns 0, or -1 (EMFILE: table full). */
int fd_file_add(int fd, uint64_t remote_fd, int flags);

/** Takes a reference on fd's file record (NULL if fd is not a remote file). */
struct file_record *fd_file_get(int fd);

/** Drops a reference; at zero the remote fd is closed (File Close, no response). */
void fd_file_put(struct file_record *r);

/* ---- sockets -------------------------------------------------------------------------- */

/** Tracks a new socket in state Initialized. Returns 0 or -1 when the pool is full. */
int fd_socket_add(int fd, int domain, int type, int protocol);

/** Tracks fd with this record (a new accepted socket), forgetting any stale record of that
    number. Returns 0 or -1 when the pool is full. */
int fd_socket_put(int fd, const struct socket_record *rec);

/** Copies fd's socket record; returns 0, or -1 when fd is not a tracked socket. */
int fd_socket_snapshot(int fd, struct socket_record *out);

/** Replaces fd's socket record with `in` (keeping its reference count). */
int fd_socket_store(int fd, const struct socket_record *in);

/** Calls fn(record, ctx) for every tracked socket while holding the table lock; stops on non-zero. */
int fd_socket_each(int (*fn)(int fd, const struct socket_record *r, void *ctx), void *ctx);

/* ---- both ------------------------------------------------------------------------------- */

/** close_range under the table lock, forgetting every managed fd in [first, last] unless only
    close-on-exec flags were set. */
int fd_table_close_range(unsigned int first, unsigned int last, int cloexec_only,
                         int (*real_close_range)(unsigned int, unsigned int, int), int flags);

/** After a real dup/dup2/dup3/F_DUPFD from old to new: new shares old's record. */
void fd_table_dup(int old_fd, int new_fd);

/**
 * Closes a managed fd with libc's close and forgets it, both under the table lock: another
 * thread that gets the same fd number from the kernel right after the close can only register
 * it once the old record is gone. Returns close's result (errno preserved).
 */
int fd_table_close(int fd, int (*real_close)(int));


/** Lock helpers for fork (pthread_atfork). */
void fd_table_lock_for_fork(void);
void fd_table_unlock_after_fork(int child);

#endif
