/*
 * Outgoing network operations.
 *   net tcp IP PORT MESSAGE        connect, send MESSAGE, print the reply, getpeername/getsockname
 *   net udp IP PORT MESSAGE        connected UDP: send, print the reply and its source
 *   net udp-sendto IP PORT MESSAGE unconnected UDP: sendto, recvfrom, print the source
 *   net unix PATH MESSAGE          unix stream connect, send, print the reply
 *   net ipv6-socket                whether socket(AF_INET6) works
 *   net ping7 IP                   TCP connect to port 7
 *   net self                       listen on 127.0.0.1:0 and connect to it through localhost
 *   net tcp-name NAME PORT MESSAGE getaddrinfo(NAME), connect to its first address, exchange
 *   net tcp-nonblock IP PORT MESSAGE non-blocking connect (EINPROGRESS + poll), exchange
 *   net tcp-exec IP PORT           connect, then exec this app with "peer FD" (the fd survives)
 *   net peer FD                    getpeername/getsockname of an inherited fd
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "scenario.h"

static int exchange(FILE *out, int fd, const char *message) {
  if (send(fd, message, strlen(message), 0) < 0) return report_errno(out, "send");
  char buf[512] = {0};
  ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
  if (n < 0) return report_errno(out, "recv");
  fprintf(out, "reply: %s\n", buf);
  return 0;
}

int run_case(FILE *out, int argc, char **argv) {
  if (argc < 1) return 2;
  const char *op = argv[0];
  struct sockaddr_storage ss, peer, local;
  socklen_t len, peer_len = sizeof peer, local_len = sizeof local;
  char a[80], b[80];
  if (!strcmp(op, "ipv6-socket")) {
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    fprintf(out, "socket: %s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
    return 0;
  }
  if (!strcmp(op, "self")) {
    int server = socket(AF_INET, SOCK_STREAM, 0);
    len = sockaddr_parse("127.0.0.1", 0, &ss);
    if (bind(server, (struct sockaddr *)&ss, len) < 0 || listen(server, 4) < 0) return report_errno(out, "listen");
    getsockname(server, (struct sockaddr *)&local, &local_len);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(client, (struct sockaddr *)&local, local_len) < 0) return report_errno(out, "connect");
    int accepted = accept(server, NULL, NULL);
    fprintf(out, "self connect: %s\n", accepted >= 0 ? "accepted" : "failed");
    return 0;
  }
  if (!strcmp(op, "unix")) {
    if (argc < 3) return 2;
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    snprintf(un.sun_path, sizeof un.sun_path, "%s", argv[1]);
    if (connect(fd, (struct sockaddr *)&un, sizeof un) < 0) return report_errno(out, "connect");
    int rc = exchange(out, fd, argv[2]);
    close(fd);
    return rc;
  }
  if (!strcmp(op, "ping7")) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    len = sockaddr_parse(argv[1], 7, &ss);
    fprintf(out, "connect: %s\n", connect(fd, (struct sockaddr *)&ss, len) == 0 ? "ok" : strerrorname_np(errno));
    close(fd);
    return 0;
  }
  if (!strcmp(op, "peer")) {
    int fd = atoi(argv[1]);
    if (getpeername(fd, (struct sockaddr *)&peer, &peer_len) < 0) return report_errno(out, "getpeername");
    if (getsockname(fd, (struct sockaddr *)&local, &local_len) < 0) return report_errno(out, "getsockname");
    fprintf(out, "peer: %s local: %s\n", sockaddr_show(&peer, a, sizeof a), sockaddr_show(&local, b, sizeof b));
    return exchange(out, fd, "after-exec");
  }
  if (!strcmp(op, "tcp-name")) {
    if (argc < 4) return 2;
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
    int rc = getaddrinfo(argv[1], argv[2], &hints, &res);
    if (rc) return fprintf(out, "error: getaddrinfo %d\n", rc), 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, res->ai_addr, res->ai_addrlen) < 0) return report_errno(out, "connect");
    freeaddrinfo(res);
    rc = exchange(out, fd, argv[3]);
    close(fd);
    return rc;
  }
  if (!strcmp(op, "tcp-exec")) {
    if (argc < 3) return 2;
    len = sockaddr_parse(argv[1], atoi(argv[2]), &ss);
    int fd = socket(AF_INET, SOCK_STREAM, 0); /* no SOCK_CLOEXEC: it crosses the exec */
    if (connect(fd, (struct sockaddr *)&ss, len) < 0) return report_errno(out, "connect");
    char fd_text[16];
    snprintf(fd_text, sizeof fd_text, "%d", fd);
    fflush(NULL);
    setenv("SCENARIO_MODE", "direct", 1);
    execl("/proc/self/exe", "net", "peer", fd_text, (char *)NULL);
    return report_errno(out, "execl");
  }
  if (argc < 4) return 2;
  len = sockaddr_parse(argv[1], atoi(argv[2]), &ss);
  if (!strcmp(op, "tcp-nonblock")) {
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int rc = connect(fd, (struct sockaddr *)&ss, len);
    fprintf(out, "connect: %s\n", rc == 0 ? "0" : strerrorname_np(errno));
    if (rc < 0 && errno != EINPROGRESS) return 1;
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    if (poll(&p, 1, 5000) != 1) return report_errno(out, "poll");
    int so_error = 0;
    socklen_t so_len = sizeof so_error;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &so_len);
    if (so_error) return fprintf(out, "error: so_error %d\n", so_error), 1;
    int flags = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    rc = exchange(out, fd, argv[3]);
    close(fd);
    return rc;
  }
  int udp = strncmp(op, "udp", 3) == 0;
  int fd = socket(ss.ss_family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
  if (fd < 0) return report_errno(out, "socket");
  if (!strcmp(op, "udp-sendto")) {
    if (sendto(fd, argv[3], strlen(argv[3]), 0, (struct sockaddr *)&ss, len) < 0) return report_errno(out, "sendto");
    char buf[512] = {0};
    ssize_t n = recvfrom(fd, buf, sizeof buf - 1, 0, (struct sockaddr *)&peer, &peer_len);
    if (n < 0) return report_errno(out, "recvfrom");
    fprintf(out, "reply: %s from %s\n", buf, sockaddr_show(&peer, a, sizeof a));
    close(fd);
    return 0;
  }
  if (connect(fd, (struct sockaddr *)&ss, len) < 0) return report_errno(out, "connect");
  int rc = exchange(out, fd, argv[3]);
  if (getpeername(fd, (struct sockaddr *)&peer, &peer_len) < 0) return report_errno(out, "getpeername");
  if (getsockname(fd, (struct sockaddr *)&local, &local_len) < 0) return report_errno(out, "getsockname");
  fprintf(out, "peer: %s local: %s\n", sockaddr_show(&peer, a, sizeof a), sockaddr_show(&local, b, sizeof b));
  close(fd);
  return rc;
}
