/*
 * Outgoing connections (how-it-works.md §5.6): which connects go through the agent (outgoing
 * tcp/udp switches, unix_streams, the outgoing filter, localhost and debugger-port rules) and
 * the Outgoing Connect exchange after which the socket really connects to the intproxy's
 * interceptor address.
 */
#ifndef LAYER_OUTGOING_H
#define LAYER_OUTGOING_H

#include <sys/socket.h>

/** Returned by outgoing_connect when libc should connect as asked. */
#define OUTGOING_BYPASS 1

/**
 * Handles connect(fd, addr). Returns OUTGOING_BYPASS, or libc's result (0 / -1 with errno set)
 * of the connect the layer performed instead.
 */
int outgoing_connect(int fd, const struct sockaddr *addr, socklen_t len);

/**
 * UDP sendto/sendmsg with an explicit destination: fills *out with the address to really send
 * to (the interceptor for port 53 via the agent, or the one of an earlier connect). Returns 1
 * when the destination was rewritten, 0 to send unchanged, -errno on failure.
 */
int outgoing_udp_destination(int fd, const struct sockaddr *dest, socklen_t len,
                             struct sockaddr_storage *out, socklen_t *out_len);

/** recvfrom/recvmsg on a socket relayed by the agent: the interceptor's address becomes the
    remote one. Rewrites src in place (respecting *src_len capacity). */
void outgoing_rewrite_source(int fd, struct sockaddr *src, socklen_t *src_len);

/** Tracks a new socket when its family/type are ones the layer manages. */
void outgoing_track_socket(int fd, int domain, int type, int protocol);

#endif
