/*
 * One operation timed in a loop, for tests/bench/exec_ops.ts: run plain for the local figure and
 * under `mirrord exec` for the remote one. Prints "<median µs> <p99 µs>".
 *
 * Usage: remote_ops <op> <iterations> <args…>
 *   pread1 <path>         pread() of 1 byte at offset 0 (each one a round trip when remote)
 *   read1 <path>          read() of 1 byte, sequentially through the file (rewinds at EOF)
 *   openread <path>       open + read(4096) + close
 *   echo <ipv4> <port>    socket + connect + send 1 byte + receive it + close
 *   resolve <name>        getaddrinfo(name, AF_INET) + freeaddrinfo
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s <op> <iterations> <args…>\n", argv[0]);
    return 2;
  }
  const char *op = argv[1];
  int n = atoi(argv[2]);
  double *samples = calloc((size_t)n, sizeof *samples);
  char buf[4096];
  int fd = -1;
  struct sockaddr_in peer = {.sin_family = AF_INET};
  if (!strcmp(op, "pread1") || !strcmp(op, "read1")) {
    fd = open(argv[3], O_RDONLY);
    if (fd < 0) die("open");
  } else if (!strcmp(op, "echo")) {
    if (argc < 5 || inet_pton(AF_INET, argv[3], &peer.sin_addr) != 1) die("address");
    peer.sin_port = htons((unsigned short)atoi(argv[4]));
  }
  int warmup = n / 10 + 5;
  for (int i = -warmup; i < n; i++) {
    double start = now_us();
    if (!strcmp(op, "pread1")) {
      if (pread(fd, buf, 1, 0) != 1) die("pread");
    } else if (!strcmp(op, "read1")) {
      ssize_t got = read(fd, buf, 1);
      if (got == 0) {
        if (lseek(fd, 0, SEEK_SET) != 0) die("lseek");
        got = read(fd, buf, 1);
      }
      if (got != 1) die("read");
    } else if (!strcmp(op, "openread")) {
      int f = open(argv[3], O_RDONLY);
      if (f < 0) die("open");
      if (read(f, buf, sizeof buf) != (ssize_t)sizeof buf) die("read");
      close(f);
    } else if (!strcmp(op, "echo")) {
      int s = socket(AF_INET, SOCK_STREAM, 0);
      if (s < 0) die("socket");
      int one = 1;
      setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      if (connect(s, (struct sockaddr *)&peer, sizeof peer) < 0) die("connect");
      if (send(s, "x", 1, 0) != 1) die("send");
      if (recv(s, buf, 1, 0) != 1) die("recv");
      close(s);
    } else if (!strcmp(op, "resolve")) {
      struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
      int rc = getaddrinfo(argv[3], NULL, &hints, &res);
      if (rc != 0) {
        fprintf(stderr, "getaddrinfo: %s\n", gai_strerror(rc));
        return 1;
      }
      freeaddrinfo(res);
    } else {
      fprintf(stderr, "unknown op %s\n", op);
      return 2;
    }
    if (i >= 0) samples[i] = now_us() - start;
  }
  qsort(samples, (size_t)n, sizeof *samples, cmp);
  int p99 = (int)(n * 0.99);
  printf("%.1f %.1f\n", samples[n / 2], samples[p99 < n ? p99 : n - 1]);
  return 0;
}
