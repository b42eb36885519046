/*
 * The layer's connection to the intproxy (protocol.md §2.3, §5): one TCP connection per
 * process, frames = 4-byte BE length + LocalMessage{message_id, inner}. Id 0 is NewSession,
 * then a counter from 1 for every message. Hooked calls block for their response; responses
 * may arrive in any order, so one waiting thread at a time reads and parks frames meant for
 * others (leader/follower, no background thread). Once the link breaks (EOF, I/O error or a
 * ProxyFailed answer) every pending and later request fails with EIO.
 */
#ifndef LAYER_INTPROXY_CONN_H
#define LAYER_INTPROXY_CONN_H

#include <stddef.h>
#include <stdint.h>

#include <sys/socket.h>

#include "codec.h"

/** A response: `r` is positioned after the ProxyToLayerMessage variant. */
struct conn_response {
  uint8_t *frame;          /* malloc'd payload after the message id */
  struct rbuf r;
  uint32_t variant;        /* enum proxy_to_layer */
};

/**
 * Connects to addr ("ip:port" or "[ipv6]:port") and registers the session: NewSession with
 * parent_layer (when has_parent) and the process info. Returns 0 and the layer id, or -1 with a
 * message in err.
 */
int conn_open_session(const char *addr, uint64_t timeout_secs, int has_parent, uint64_t parent_layer,
                      const struct process_info *info, uint64_t *layer_id, char *err, size_t err_len);

/** Sends `inner` and waits for the response to it. Returns 0, or -EIO when the link is broken. */
int conn_request(const struct wbuf *inner, struct conn_response *resp);

void conn_response_free(struct conn_response *resp);

/** Sends a message that has no response. Returns 0 or -EIO. */
int conn_send(const struct wbuf *inner);

/** Fire-and-forget helpers used on close paths; they never allocate. */
void conn_send_file_close(uint64_t remote_fd);
void conn_send_dir_close(uint64_t remote_dir_fd);
void conn_send_outgoing_close(uint64_t conn_hi, uint64_t conn_lo);
void conn_send_port_unsubscribe(uint16_t port, const struct sockaddr *listening_on, socklen_t len);

/** The connection's fd (-1 if none): hooks keep the app from closing or replacing it. */
int conn_fd(void);

/** Moves the connection to another fd number (the app wants this one via dup2). */
void conn_relocate(void);

/** Whether the link is broken. */
int conn_failed(void);

/** pthread_atfork handlers. */
void conn_lock_for_fork(void);
void conn_unlock_after_fork(int child);

/** In a forked child: drop the parent's connection (the caller opens a new session). */
void conn_forget_inherited(void);

#endif
