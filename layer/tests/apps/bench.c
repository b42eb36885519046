/*
 * Timing loop for tests/bench/layer_ops.ts: runs one operation ITERATIONS times (after 20
 * warm-up rounds) and prints "median_us p99_us".
 *   bench read1 PATH           pread of 1 byte from an open fd
 *   bench open-read PATH       open + read 4 KiB + close
 *   bench connect-echo IP PORT TCP connect + 1-byte send + 1-byte recv + close
 *   bench getaddrinfo NAME     getaddrinfo + freeaddrinfo
 *   bench local-read1 PATH     read1 on a local file (the bypass path of every hook)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int op_fd = -1;
static const char *op_path, *op_port;

static int one(const char *op) {
  char buf[4096];
  if (!strcmp(op, "read1") || !strcmp(op, "local-read1")) return pread(op_fd, buf, 1, 0) == 1 ? 0 : -1;
  if (!strcmp(op, "open-read")) {
    int fd = open(op_path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    return n > 0 ? 0 : -1;
  }
  if (!strcmp(op, "connect-echo")) {
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(op_port))};
    inet_pton(AF_INET, op_path, &in.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr *)&in, sizeof in) < 0) return close(fd), -1;
    char c = 'x';
    int ok = send(fd, &c, 1, 0) == 1 && recv(fd, buf, sizeof buf, 0) > 0;
    close(fd);
    return ok ? 0 : -1;
  }
  if (!strcmp(op, "getaddrinfo")) {
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
    if (getaddrinfo(op_path, NULL, &hints, &res)) return -1;
    freeaddrinfo(res);
    return 0;
  }
  return -1;
}

int run_case(FILE *out, int argc, char **argv) {
  if (argc < 3) return 2;
  const char *op = argv[0];
  op_path = argv[1];
  op_port = argc > 3 ? argv[2] : NULL;
  int iterations = atoi(argv[argc - 1]);
  if (!strcmp(op, "read1") || !strcmp(op, "local-read1")) {
    op_fd = open(op_path, O_RDONLY);
    if (op_fd < 0) return report_errno(out, "open");
  }
  for (int i = 0; i < 20; i++)
    if (one(op) < 0) return report_errno(out, op);
  double *samples = malloc(sizeof(double) * (size_t)iterations);
  for (int i = 0; i < iterations; i++) {
    double start = now_us();
    if (one(op) < 0) return report_errno(out, op);
    samples[i] = now_us() - start;
  }
  qsort(samples, (size_t)iterations, sizeof *samples, cmp);
  fprintf(out, "%.2f %.2f\n", samples[iterations / 2], samples[(int)(iterations * 0.99)]);
  free(samples);
  return 0;
}
