/*
 * Incoming traffic on the layer's side (how-it-works.md §5.5): bind with mirrord's port rules and
 * fallbacks, listen with a port subscription at the intproxy, and accept reporting the cluster-side
 * client (the intproxy connects to the app's real listener for every remote connection and records
 * which cluster client each of its local connections stands for).
 */
#ifndef LAYER_INCOMING_H
#define LAYER_INCOMING_H

#include <sys/socket.h>

/** Returned when the call is not the layer's business: the hook calls libc as is. */
#define INCOMING_BYPASS (-2)

/** bind on a tracked IP socket in state Initialized: 0, -1 with errno, or INCOMING_BYPASS. */
int incoming_bind(int fd, const struct sockaddr *addr, socklen_t len);

/** listen on a tracked socket: 0, -1 with errno (the subscription failed), or INCOMING_BYPASS. */
int incoming_listen(int fd, int backlog);

/**
 * After a successful accept of new_fd on listen_fd: for a subscribed listener, asks the intproxy
 * who the connection really comes from, tracks new_fd with it and rewrites addr/len.
 */
void incoming_accepted(int listen_fd, int new_fd, struct sockaddr *addr, socklen_t *len);

/** In a new image after exec: subscribes again the listeners the previous image had subscribed
    (the intproxy dropped them with the previous session). */
void incoming_resubscribe_inherited(void);

#endif
