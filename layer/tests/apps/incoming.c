/*
 * Incoming network operations (a server under the layer).
 *   incoming serve IP PORT N [OPTS]   bind, listen, print "listening <getsockname>", then accept N
 *                                     connections: print what accept, getpeername and getsockname
 *                                     report, answer "hello <n>" and close; then close the listener.
 *                                     OPTS (comma list): accept4 (with SOCK_CLOEXEC), noaddr (accept
 *                                     with NULL address), self (a thread connects to the listener
 *                                     itself)
 *   incoming bind IP PORT [IP PORT...] one socket per address: print bind's result and getsockname
 *   incoming bind-shared IP PORT      two sockets with SO_REUSEPORT on the same address, as bind
 *   incoming listen IP PORT           bind and listen, print listen's result, close
 *   incoming dup-close IP PORT        listen, dup the fd, close the original, print "dup open",
 *                                     then close the dup
 *   incoming fork IP PORT             listen, fork: the child serves one connection and closes its
 *                                     copy; the parent waits, then closes its own
 *   incoming exec IP PORT             listen, exec this app with "inherited FD 1" (fd kept)
 *   incoming inherited FD N           getsockname of an inherited listener, then serve N on it
 *   incoming ports IP P1 P2...        listen on every port, then serve one connection on each
 *   incoming threads IP BASE N        N threads, thread i serves one connection on BASE+i
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

struct opts {
  int accept4, noaddr, self;
};

static struct opts parse_opts(const char *text) {
  struct opts o = {0};
  if (!text) return o;
  o.accept4 = strstr(text, "accept4") != NULL;
  o.noaddr = strstr(text, "noaddr") != NULL;
  o.self = strstr(text, "self") != NULL;
  return o;
}

static int open_listener(FILE *out, const char *ip, int port) {
  struct sockaddr_storage ss;
  socklen_t len = sockaddr_parse(ip, port, &ss);
  int fd = socket(ss.ss_family, SOCK_STREAM, 0);
  if (fd < 0) return report_errno(out, "socket"), -1;
  if (bind(fd, (struct sockaddr *)&ss, len) < 0) return report_errno(out, "bind"), -1;
  if (listen(fd, 16) < 0) return report_errno(out, "listen"), -1;
  struct sockaddr_storage local;
  socklen_t local_len = sizeof local;
  char a[80];
  getsockname(fd, (struct sockaddr *)&local, &local_len);
  fprintf(out, "listening %s\n", sockaddr_show(&local, a, sizeof a));
  fflush(out);
  return fd;
}

static void *self_client(void *arg) {
  int listener = *(int *)arg;
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  getsockname(listener, (struct sockaddr *)&ss, &len);
  int fd = socket(ss.ss_family, SOCK_STREAM, 0);
  if (connect(fd, (struct sockaddr *)&ss, len) == 0) {
    send(fd, "local\r\n\r\n", 9, 0);
    char buf[64];
    while (recv(fd, buf, sizeof buf, 0) > 0) {
    }
  }
  close(fd);
  return NULL;
}

static int serve_one(FILE *out, int listener, int n, const struct opts *o) {
  struct sockaddr_storage from, peer, local;
  socklen_t from_len = sizeof from, peer_len = sizeof peer, local_len = sizeof local;
  memset(&from, 0, sizeof from);
  struct sockaddr *fp = o->noaddr ? NULL : (struct sockaddr *)&from;
  socklen_t *lp = o->noaddr ? NULL : &from_len;
  int fd = o->accept4 ? accept4(listener, fp, lp, SOCK_CLOEXEC) : accept(listener, fp, lp);
  if (fd < 0) return report_errno(out, "accept");
  getpeername(fd, (struct sockaddr *)&peer, &peer_len);
  getsockname(fd, (struct sockaddr *)&local, &local_len);
  char a[80], b[80], c[80];
  int cloexec = (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
  fprintf(out, "accepted %s len %u peer %s local %s cloexec %d\n",
          o->noaddr ? "-" : sockaddr_show(&from, a, sizeof a), o->noaddr ? 0 : (unsigned)from_len,
          sockaddr_show(&peer, b, sizeof b), sockaddr_show(&local, c, sizeof c), cloexec);
  char buf[4096];
  size_t got = 0;
  while (got < sizeof buf - 1) {
    ssize_t r = recv(fd, buf + got, sizeof buf - 1 - got, 0);
    if (r <= 0) break;
    got += (size_t)r;
    buf[got] = 0;
    if (strstr(buf, "\r\n\r\n")) break;
  }
  char reply[32];
  int k = snprintf(reply, sizeof reply, "hello %d\n", n);
  send(fd, reply, (size_t)k, MSG_NOSIGNAL);
  close(fd);
  fflush(out);
  return 0;
}

static int serve(FILE *out, int listener, int count, const struct opts *o) {
  pthread_t client;
  if (o->self) pthread_create(&client, NULL, self_client, &listener);
  for (int i = 0; i < count; i++)
    if (serve_one(out, listener, i, o)) return 1;
  if (o->self) pthread_join(client, NULL);
  close(listener);
  fprintf(out, "closed\n");
  return 0;
}

static int bind_each(FILE *out, int argc, char **argv, int reuse_port) {
  for (int i = 0; i + 1 < argc; i += 2) {
    struct sockaddr_storage ss, local;
    socklen_t len = sockaddr_parse(argv[i], atoi(argv[i + 1]), &ss), local_len = sizeof local;
    int fd = socket(ss.ss_family, SOCK_STREAM, 0);
    int one = 1;
    if (reuse_port) setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    errno = 12345;
    int rc = bind(fd, (struct sockaddr *)&ss, len);
    char a[80];
    if (rc < 0) {
      report_errno(out, "bind");
      continue;
    }
    getsockname(fd, (struct sockaddr *)&local, &local_len);
    fprintf(out, "bound %s errno %d\n", sockaddr_show(&local, a, sizeof a), errno);
  }
  return 0;
}

struct thread_job {
  FILE *out;
  const char *ip;
  int port;
  pthread_mutex_t *lock;
};

static void *thread_serve(void *arg) {
  struct thread_job *j = arg;
  struct opts o = {0};
  char *text = NULL;
  size_t len = 0;
  FILE *mine = open_memstream(&text, &len);
  int fd = open_listener(mine, j->ip, j->port);
  if (fd >= 0) serve(mine, fd, 1, &o);
  fclose(mine);
  pthread_mutex_lock(j->lock);
  fputs(text, j->out);
  pthread_mutex_unlock(j->lock);
  free(text);
  return NULL;
}

int run_case(FILE *out, int argc, char **argv) {
  if (argc < 1) return 2;
  const char *op = argv[0];
  if (!strcmp(op, "serve") && argc >= 4) {
    struct opts o = parse_opts(argc > 4 ? argv[4] : NULL);
    int fd = open_listener(out, argv[1], atoi(argv[2]));
    return fd < 0 ? 1 : serve(out, fd, atoi(argv[3]), &o);
  }
  if (!strcmp(op, "bind")) return bind_each(out, argc - 1, argv + 1, 0);
  if (!strcmp(op, "bind-shared") && argc == 3) {
    char *twice[] = {argv[1], argv[2], argv[1], argv[2]};
    return bind_each(out, 4, twice, 1);
  }
  if (!strcmp(op, "listen") && argc == 3) {
    int fd = open_listener(out, argv[1], atoi(argv[2]));
    if (fd < 0) return 0;
    close(fd);
    return 0;
  }
  if (!strcmp(op, "dup-close") && argc == 3) {
    int fd = open_listener(out, argv[1], atoi(argv[2]));
    if (fd < 0) return 1;
    int copy = dup(fd);
    close(fd);
    fprintf(out, "dup open\n");
    fflush(out);
    usleep(200 * 1000);
    close(copy);
    return 0;
  }
  if (!strcmp(op, "fork") && argc == 3) {
    struct opts o = {0};
    int fd = open_listener(out, argv[1], atoi(argv[2]));
    if (fd < 0) return 1;
    fflush(out);
    pid_t pid = fork();
    if (pid == 0) {
      int rc = serve(out, fd, 1, &o);
      fflush(out);
      _exit(rc);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    fprintf(out, "child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    close(fd);
    return 0;
  }
  if (!strcmp(op, "exec") && argc == 3) {
    int fd = open_listener(out, argv[1], atoi(argv[2]));
    if (fd < 0) return 1;
    char fd_text[16];
    snprintf(fd_text, sizeof fd_text, "%d", fd);
    fflush(out);
    char *args[] = {"/proc/self/exe", "inherited", fd_text, "1", NULL};
    execv("/proc/self/exe", args);
    return report_errno(out, "execv");
  }
  if (!strcmp(op, "inherited") && argc == 3) {
    struct opts o = {0};
    int fd = atoi(argv[1]);
    struct sockaddr_storage local;
    socklen_t local_len = sizeof local;
    char a[80];
    getsockname(fd, (struct sockaddr *)&local, &local_len);
    fprintf(out, "inherited %s\n", sockaddr_show(&local, a, sizeof a));
    return serve(out, fd, atoi(argv[2]), &o);
  }
  if (!strcmp(op, "ports") && argc >= 3) {
    struct opts o = {0};
    int fds[16];
    int n = argc - 2 < 16 ? argc - 2 : 16;
    for (int i = 0; i < n; i++)
      if ((fds[i] = open_listener(out, argv[1], atoi(argv[2 + i]))) < 0) return 1;
    for (int i = 0; i < n; i++)
      if (serve(out, fds[i], 1, &o)) return 1;
    return 0;
  }
  if (!strcmp(op, "threads") && argc == 4) {
    int n = atoi(argv[3]);
    pthread_t threads[32];
    struct thread_job jobs[32];
    pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    if (n > 32) n = 32;
    for (int i = 0; i < n; i++) {
      jobs[i] = (struct thread_job){out, argv[1], atoi(argv[2]) + i, &lock};
      pthread_create(&threads[i], NULL, thread_serve, &jobs[i]);
    }
    for (int i = 0; i < n; i++) pthread_join(threads[i], NULL);
    return 0;
  }
  fprintf(out, "unknown case %s\n", op);
  return 2;
}
