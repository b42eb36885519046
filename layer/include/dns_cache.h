/*
 * Remote-DNS reverse cache: IP -> the host name the app resolved through the agent. Used for
 * the hostname metadata of outgoing connects and to re-resolve locally when the outgoing filter
 * sends such an IP to the local network (how-it-works.md §5.6).
 */
#ifndef LAYER_DNS_CACHE_H
#define LAYER_DNS_CACHE_H

#include <stddef.h>
#include <sys/socket.h>

void dns_cache_record(const struct sockaddr *ip, const char *hostname);

/** Copies the host name for this IP (port ignored) into out; returns 1 when found. */
int dns_cache_lookup(const struct sockaddr *ip, char *out, size_t out_len);

#endif
