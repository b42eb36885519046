/*
 * mirrord's incoming-traffic decisions for bind and listen (how-it-works.md §5.5), as pure
 * functions of the resolved config: which binds get no port subscription, which target port a
 * local port stands for, what to subscribe with, and the order of real bind attempts.
 */
#ifndef LAYER_INCOMING_POLICY_H
#define LAYER_INCOMING_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "codec_incoming.h"
#include "config.h"

/**
 * Whether a bind of addr is "only bound" (never subscribed): loopback with ignore_localhost, TCP
 * port 0, a target port (after port_mapping) outside `ports` when that list is set, a debugger
 * port, or a port in ignore_ports.
 */
int incoming_only_bound(const struct layer_config *c, const struct sockaddr *addr, int is_tcp, int is_debugger_port);

/** The target's port for a local port: port_mapping local -> remote, else the same port. */
uint16_t incoming_remote_port(const struct layer_config *c, uint16_t local_port);

/**
 * The subscription of a listener on local_port: steal or mirror per the mode, on the target port,
 * with the HTTP filter when one is set and http_filter.ports is unset or holds the target port.
 */
void incoming_subscription(const struct layer_config *c, uint16_t local_port, struct port_subscription *out);

/**
 * The addresses a bind tries, in order (len is the requested address's length), into out[4]:
 * with a listen_port only that port (requested IP, then the fallback IP); else the requested
 * address, the requested IP on port 0, then the fallback IP (127.0.0.1 / :: for an IP that is
 * neither loopback nor unspecified) with the requested port and with port 0. Returns the count.
 */
size_t incoming_bind_attempts(const struct sockaddr *requested, int has_listen_port, uint16_t listen_port,
                              struct sockaddr_storage out[4]);

#endif
