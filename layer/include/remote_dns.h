/*
 * Name resolution through the agent (how-it-works.md §5.7): GetAddrInfo V2 requests, answers
 * turned into addrinfo chains the layer owns (so its freeaddrinfo frees only those), and the
 * DNS filter that decides which names are resolved remotely.
 */
#ifndef LAYER_REMOTE_DNS_H
#define LAYER_REMOTE_DNS_H

#include <netdb.h>
#include <stdint.h>
#include <sys/socket.h>

/** Whether the DNS feature and filter send this lookup to the agent. */
int remote_dns_wanted(const char *node, uint16_t port);

/** Remote getaddrinfo: 0 with *res (layer-owned) or an EAI_* code. */
int remote_getaddrinfo(const char *node, uint16_t port, const struct addrinfo *hints, struct addrinfo **res);

/** Whether res is an addrinfo chain made by remote_getaddrinfo (still allocated). */
int remote_dns_owns(const struct addrinfo *res);

/** Frees a layer-owned chain. */
void remote_dns_free(struct addrinfo *res);

/** Resolves a name remotely into at most max addresses of family (AF_UNSPEC = both). Returns the
    count, or -1 with *eai set to the EAI_* code. */
int remote_resolve(const char *name, int family, struct sockaddr_storage *out, int max, int *eai);

#endif
