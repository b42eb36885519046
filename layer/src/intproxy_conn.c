/* See intproxy_conn.h. */
#include "intproxy_conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "codec_incoming.h"
#include "log.h"
#include "real.h"

struct parked {
  uint64_t id;
  uint8_t *frame;
  size_t len;
  struct parked *next;
};

static int link_fd = -1;
static uint64_t next_id;
static int link_broken;
static int reader_busy;
static struct parked *parked_frames;
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t state_cond = PTHREAD_COND_INITIALIZER;

int conn_fd(void) { return __atomic_load_n(&link_fd, __ATOMIC_ACQUIRE); }
int conn_failed(void) { return __atomic_load_n(&link_broken, __ATOMIC_ACQUIRE); }

/* Caller holds state_lock. */
static void mark_broken(const char *why) {
  if (!link_broken) {
    __atomic_store_n(&link_broken, 1, __ATOMIC_RELEASE);
    LOG_ERR("Cannot reach mirrord's internal proxy: %s — remote files, DNS and outgoing "
            "connections of this process now fail with EIO",
            why);
  }
  pthread_cond_broadcast(&state_cond);
}

/* sendmsg with MSG_NOSIGNAL: a vanished intproxy must give EPIPE, never kill the app with
   SIGPIPE. */
static int write_all(int fd, const struct iovec *iov_in, int count) {
  struct iovec iov[4];
  memcpy(iov, iov_in, (size_t)count * sizeof *iov);
  int i = 0;
  while (i < count) {
    struct msghdr msg = {.msg_iov = iov + i, .msg_iovlen = (size_t)(count - i)};
    ssize_t n = REAL(sendmsg)(fd, &msg, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    while (i < count && (size_t)n >= iov[i].iov_len) n -= (ssize_t)iov[i++].iov_len;
    if (i < count) {
      iov[i].iov_base = (char *)iov[i].iov_base + n;
      iov[i].iov_len -= (size_t)n;
    }
  }
  return 0;
}

static int read_exact(int fd, void *buf, size_t len) {
  size_t got = 0;
  while (got < len) {
    ssize_t n = REAL(read)(fd, (char *)buf + got, len - got);
    if (n == 0) return got == 0 ? 0 : -1;
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    got += (size_t)n;
  }
  return 1;
}

/* Reads one frame; returns 1 with id and the rest of the payload, 0 on EOF, -1 on error. */
static int read_frame(int fd, uint64_t *id, uint8_t **frame, size_t *len) {
  uint8_t prefix[4];
  int rc = read_exact(fd, prefix, 4);
  if (rc <= 0) return rc;
  uint32_t total = (uint32_t)prefix[0] << 24 | (uint32_t)prefix[1] << 16 | (uint32_t)prefix[2] << 8 | prefix[3];
  uint8_t *payload = malloc(total ? total : 1);
  if (!payload) return -1;
  if (read_exact(fd, payload, total) != 1) {
    free(payload);
    return -1;
  }
  struct rbuf r;
  rb_init(&r, payload, total);
  *id = rb_uv(&r, 64);
  if (r.err) {
    free(payload);
    return -1;
  }
  memmove(payload, payload + r.pos, total - r.pos);
  *frame = payload;
  *len = total - r.pos;
  return 1;
}

/* Sends one frame; returns its message id or -1. */
static int64_t send_frame(const struct wbuf *inner) {
  if (inner->oom) return -1;
  pthread_mutex_lock(&write_lock);
  int fd = link_fd;
  if (fd < 0 || conn_failed()) {
    pthread_mutex_unlock(&write_lock);
    return -1;
  }
  uint64_t id = next_id++;
  uint8_t header[FRAME_HEADER_MAX];
  size_t h = frame_header(header, id, inner->len);
  struct iovec iov[2] = {{header, h}, {inner->data, inner->len}};
  int rc = write_all(fd, iov, inner->len ? 2 : 1);
  pthread_mutex_unlock(&write_lock);
  if (rc < 0) {
    pthread_mutex_lock(&state_lock);
    mark_broken(strerror(errno));
    pthread_mutex_unlock(&state_lock);
    return -1;
  }
  return (int64_t)id;
}

static struct parked *take_parked(uint64_t id) {
  for (struct parked **p = &parked_frames; *p; p = &(*p)->next)
    if ((*p)->id == id) {
      struct parked *found = *p;
      *p = found->next;
      return found;
    }
  return NULL;
}

static int finish_response(uint8_t *frame, size_t len, struct conn_response *resp) {
  resp->frame = frame;
  rb_init(&resp->r, frame, len);
  resp->variant = rb_variant(&resp->r);
  if (resp->r.err) {
    free(frame);
    resp->frame = NULL;
    return -EIO;
  }
  if (resp->variant == P2L_PROXY_FAILED) {
    int agent_reported = rb_bool(&resp->r);
    size_t n;
    const uint8_t *msg = rb_bytes(&resp->r, &n);
    pthread_mutex_lock(&state_lock);
    if (!link_broken) {
      __atomic_store_n(&link_broken, 1, __ATOMIC_RELEASE);
      LOG_ERR("mirrord's internal proxy failed%s: %.*s — remote operations of this process now fail",
              agent_reported ? " (reported by the agent)" : "", (int)n, (const char *)msg);
      pthread_cond_broadcast(&state_cond);
    }
    pthread_mutex_unlock(&state_lock);
    free(frame);
    resp->frame = NULL;
    return -EIO;
  }
  return 0;
}

static int wait_for(uint64_t id, struct conn_response *resp) {
  pthread_mutex_lock(&state_lock);
  for (;;) {
    struct parked *p = take_parked(id);
    if (p) {
      pthread_mutex_unlock(&state_lock);
      uint8_t *frame = p->frame;
      size_t len = p->len;
      free(p);
      return finish_response(frame, len, resp);
    }
    if (link_broken) {
      pthread_mutex_unlock(&state_lock);
      return -EIO;
    }
    if (!reader_busy) {
      reader_busy = 1;
      int fd = link_fd;
      pthread_mutex_unlock(&state_lock);
      uint64_t got_id = 0;
      uint8_t *frame = NULL;
      size_t len = 0;
      int rc = read_frame(fd, &got_id, &frame, &len);
      pthread_mutex_lock(&state_lock);
      reader_busy = 0;
      if (rc <= 0) {
        mark_broken(rc == 0 ? "the connection was closed" : "reading from it failed");
        pthread_mutex_unlock(&state_lock);
        return -EIO;
      }
      pthread_cond_broadcast(&state_cond); /* someone else may take over reading */
      if (got_id == id) {
        pthread_mutex_unlock(&state_lock);
        return finish_response(frame, len, resp);
      }
      struct parked *slot = malloc(sizeof *slot);
      if (!slot) {
        free(frame);
        mark_broken("out of memory");
        pthread_mutex_unlock(&state_lock);
        return -EIO;
      }
      *slot = (struct parked){got_id, frame, len, parked_frames};
      parked_frames = slot;
      continue;
    }
    pthread_cond_wait(&state_cond, &state_lock);
  }
}

int conn_request(const struct wbuf *inner, struct conn_response *resp) {
  memset(resp, 0, sizeof *resp);
  int64_t id = send_frame(inner);
  if (id < 0) return -EIO;
  return wait_for((uint64_t)id, resp);
}

void conn_response_free(struct conn_response *resp) {
  free(resp->frame);
  resp->frame = NULL;
}

int conn_send(const struct wbuf *inner) { return send_frame(inner) < 0 ? -EIO : 0; }

void conn_send_file_close(uint64_t remote_fd) {
  uint8_t stack[32];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_close(&b, remote_fd);
  conn_send(&b);
}

void conn_send_dir_close(uint64_t remote_dir_fd) {
  uint8_t stack[32];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_file_close_dir(&b, remote_dir_fd);
  conn_send(&b);
}

void conn_send_outgoing_close(uint64_t conn_hi, uint64_t conn_lo) {
  uint8_t stack[32];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_outgoing_close(&b, conn_hi, conn_lo);
  conn_send(&b);
}

void conn_send_port_unsubscribe(uint16_t port, const struct sockaddr *listening_on, socklen_t len) {
  uint8_t stack[48];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  if (enc_port_unsubscribe(&b, port, listening_on, len)) conn_send(&b);
}

static int parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *len) {
  char host[128];
  const char *colon = strrchr(addr, ':');
  if (!colon || (size_t)(colon - addr) >= sizeof host) return -1;
  memcpy(host, addr, (size_t)(colon - addr));
  host[colon - addr] = 0;
  char *h = host;
  if (h[0] == '[') {
    h++;
    char *close = strchr(h, ']');
    if (!close) return -1;
    *close = 0;
  }
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if (*end || port <= 0 || port > 65535) return -1;
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *in = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, h, &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)port);
    *len = sizeof *in;
    return 0;
  }
  if (inet_pton(AF_INET6, h, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)port);
    *len = sizeof *in6;
    return 0;
  }
  return -1;
}

int conn_open_session(const char *addr, uint64_t timeout_secs, int has_parent, uint64_t parent_layer,
                      const struct process_info *info, uint64_t *layer_id, char *err, size_t err_len) {
  struct sockaddr_storage ss;
  socklen_t ss_len;
  if (!addr || parse_addr(addr, &ss, &ss_len) < 0) {
    snprintf(err, err_len, "MIRRORD_LAYER_INTPROXY_ADDR \"%s\" is not an ip:port address", addr ? addr : "");
    return -1;
  }
  int fd = REAL(socket)(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    snprintf(err, err_len, "cannot create a socket: %s", strerror(errno));
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (timeout_secs > 0 && timeout_secs < (uint64_t)1 << 40) {
    struct timeval tv = {.tv_sec = (time_t)timeout_secs};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }
  int rc;
  do rc = REAL(connect)(fd, (struct sockaddr *)&ss, ss_len);
  while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    snprintf(err, err_len, "cannot connect to %s: %s", addr, strerror(errno));
    REAL(close)(fd);
    return -1;
  }
  pthread_mutex_lock(&state_lock);
  link_fd = fd;
  next_id = 0;
  link_broken = 0;
  reader_busy = 0;
  pthread_mutex_unlock(&state_lock);

  uint8_t stack[512];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_new_session(&b, has_parent, parent_layer, info);
  struct conn_response resp;
  rc = conn_request(&b, &resp);
  wb_free(&b);
  if (rc < 0 || resp.variant != P2L_NEW_SESSION) {
    snprintf(err, err_len, "the internal proxy at %s did not accept the session", addr);
    if (rc == 0) conn_response_free(&resp);
    return -1;
  }
  *layer_id = rb_uv(&resp.r, 64);
  conn_response_free(&resp);
  return 0;
}

void conn_relocate(void) {
  pthread_mutex_lock(&write_lock);
  pthread_mutex_lock(&state_lock);
  if (link_fd >= 0) {
    int moved = REAL(fcntl)(link_fd, F_DUPFD_CLOEXEC, 512);
    if (moved < 0) moved = REAL(fcntl)(link_fd, F_DUPFD_CLOEXEC, 3);
    if (moved >= 0) {
      REAL(close)(link_fd);
      link_fd = moved;
    }
  }
  pthread_mutex_unlock(&state_lock);
  pthread_mutex_unlock(&write_lock);
}

void conn_lock_for_fork(void) {
  pthread_mutex_lock(&write_lock);
  pthread_mutex_lock(&state_lock);
}

void conn_unlock_after_fork(int child) {
  if (!child) {
    pthread_mutex_unlock(&state_lock);
    pthread_mutex_unlock(&write_lock);
    return;
  }
  pthread_mutex_init(&write_lock, NULL);
  pthread_mutex_init(&state_lock, NULL);
  pthread_cond_init(&state_cond, NULL);
  reader_busy = 0;
  while (parked_frames) {
    struct parked *p = parked_frames;
    parked_frames = p->next;
    free(p->frame);
    free(p);
  }
}

void conn_forget_inherited(void) {
  if (link_fd >= 0) REAL(close)(link_fd);
  link_fd = -1;
}
