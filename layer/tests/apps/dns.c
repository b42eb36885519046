/*
 * Name resolution.
 *   dns getaddrinfo NAME [SERVICE] [4|6]   one "addr: IP PORT TYPE" line per result
 *   dns gethostbyname NAME | gethostbyname2 NAME 4|6 | gethostbyname_r NAME
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

static int print_hostent(FILE *out, const struct hostent *h) {
  char ip[INET6_ADDRSTRLEN];
  fprintf(out, "name: %s\n", h->h_name);
  for (char **p = h->h_addr_list; *p; p++) fprintf(out, "addr: %s\n", inet_ntop(h->h_addrtype, *p, ip, sizeof ip));
  return 0;
}

int run_case(FILE *out, int argc, char **argv) {
  if (argc < 2) return 2;
  const char *op = argv[0], *name = argv[1];
  if (!strcmp(op, "getaddrinfo")) {
    struct addrinfo hints = {0}, *res;
    if (argc > 3) hints.ai_family = atoi(argv[3]) == 6 ? AF_INET6 : AF_INET;
    int rc = getaddrinfo(name, argc > 2 && strcmp(argv[2], "-") ? argv[2] : NULL, &hints, &res);
    if (rc) {
      fprintf(out, "error: %s\n", rc == EAI_NONAME ? "EAI_NONAME" : rc == EAI_AGAIN ? "EAI_AGAIN" : rc == EAI_FAIL ? "EAI_FAIL" : gai_strerror(rc));
      return 1;
    }
    char ip[INET6_ADDRSTRLEN];
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
      void *addr = ai->ai_family == AF_INET ? (void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                                            : (void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
      int port = ntohs(((struct sockaddr_in *)ai->ai_addr)->sin_port);
      fprintf(out, "addr: %s %d %s\n", inet_ntop(ai->ai_family, addr, ip, sizeof ip), port,
              ai->ai_socktype == SOCK_STREAM ? "stream" : ai->ai_socktype == SOCK_DGRAM ? "dgram" : "raw");
    }
    freeaddrinfo(res);
    return 0;
  }
  if (!strcmp(op, "gethostbyname")) {
    struct hostent *h = gethostbyname(name);
    if (!h) return fprintf(out, "error: h_errno %d\n", h_errno), 1;
    return print_hostent(out, h);
  }
  if (!strcmp(op, "gethostbyname2")) {
    struct hostent *h = gethostbyname2(name, argc > 2 && atoi(argv[2]) == 6 ? AF_INET6 : AF_INET);
    if (!h) return fprintf(out, "error: h_errno %d\n", h_errno), 1;
    return print_hostent(out, h);
  }
  if (!strcmp(op, "gethostbyname_r")) {
    struct hostent entry, *result = NULL;
    char buf[1024];
    int herr = 0;
    int rc = gethostbyname_r(name, &entry, buf, sizeof buf, &result, &herr);
    if (rc || !result) return fprintf(out, "error: h_errno %d\n", herr), 1;
    return print_hostent(out, result);
  }
  return 2;
}
