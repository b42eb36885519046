/*
 * bincode of the layer's incoming-traffic messages on the local link (protocol.md §5.4, §3.5,
 * §3.16): Incoming PortSubscribe / PortUnsubscribe / ConnMetadata requests and the
 * IncomingResponse answers. Like codec.h, these produce/consume the `inner` message only.
 */
#ifndef LAYER_CODEC_INCOMING_H
#define LAYER_CODEC_INCOMING_H

#include <stdint.h>
#include <sys/socket.h>

#include "codec.h"
#include "http_filter.h"

enum incoming_response { INCOMING_RESP_PORT_SUBSCRIBE, INCOMING_RESP_CONN_METADATA };

/** What to subscribe a port with: steal or mirror, every request or the HTTP filter's. */
struct port_subscription {
  int steal;
  uint16_t port;                       /* the port in the target */
  const struct http_filter *filter;    /* NULL: All */
};

/** HttpFilter (recursive for Composite). */
void enc_http_filter(struct wbuf *b, const struct http_filter *f);

/**
 * Incoming(PortSubscribe{listening_on: Socket(addr), subscription: Steal(All | FilteredHttpEx) |
 * Mirror(All | FilteredHttp)}). Returns 0 when addr is not an IP address.
 */
int enc_port_subscribe(struct wbuf *b, const struct sockaddr *listening_on, socklen_t len,
                       const struct port_subscription *s);

/** Incoming(PortUnsubscribe{port, listening_on: Socket(addr)}). Returns 0 for a non-IP address. */
int enc_port_unsubscribe(struct wbuf *b, uint16_t port, const struct sockaddr *listening_on, socklen_t len);

/** Incoming(ConnMetadata{listener_address, peer_address}). Returns 0 for a non-IP address. */
int enc_incoming_conn_metadata(struct wbuf *b, const struct sockaddr *listener, socklen_t listener_len,
                               const struct sockaddr *peer, socklen_t peer_len);

/** ConnMetadataResponse{remote_source: sock, local_address: ip} (after the IncomingResponse tag). */
void dec_conn_metadata_response(struct rbuf *r, struct sockaddr_storage *remote_source, socklen_t *remote_len,
                                struct sockaddr_storage *local_address, socklen_t *local_len);

#endif
