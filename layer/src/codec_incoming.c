/* See codec_incoming.h. */
#include "codec_incoming.h"

#include <string.h>

enum { INCOMING_PORT_SUBSCRIBE, INCOMING_PORT_UNSUBSCRIBE, INCOMING_CONN_METADATA };
enum { LISTENING_ON_SOCKET = 0 };
enum { SUBSCRIPTION_STEAL = 0, SUBSCRIPTION_MIRROR = 1 };
enum { STEAL_ALL = 0, STEAL_FILTERED_HTTP_EX = 2 };
enum { MIRROR_ALL = 0, MIRROR_FILTERED_HTTP = 1 };
enum { METHOD_OTHER = 9 };
enum { BODY_JSON = 0 };

void enc_http_filter(struct wbuf *b, const struct http_filter *f) {
  wb_uv(b, f->kind);
  switch (f->kind) {
    case HTTP_FILTER_HEADER:
    case HTTP_FILTER_PATH:
    case HTTP_FILTER_HEADER_JQ:
      wb_cstr(b, f->text);
      break;
    case HTTP_FILTER_COMPOSITE:
      wb_bool(b, f->all);
      wb_uv(b, f->count);
      for (size_t i = 0; i < f->count; i++) enc_http_filter(b, &f->children[i]);
      break;
    case HTTP_FILTER_METHOD: {
      unsigned v = http_method_variant(f->text);
      wb_uv(b, v);
      if (v == METHOD_OTHER) wb_cstr(b, f->text);
      break;
    }
    case HTTP_FILTER_BODY:
      wb_uv(b, BODY_JSON);
      wb_cstr(b, f->text);
      wb_cstr(b, f->matches);
      break;
  }
}

int enc_port_subscribe(struct wbuf *b, const struct sockaddr *listening_on, socklen_t len,
                       const struct port_subscription *s) {
  wb_uv(b, L2P_INCOMING);
  wb_uv(b, INCOMING_PORT_SUBSCRIBE);
  wb_uv(b, LISTENING_ON_SOCKET);
  if (!wb_socket_addr(b, listening_on, len)) return 0;
  wb_uv(b, s->steal ? SUBSCRIPTION_STEAL : SUBSCRIPTION_MIRROR);
  if (!s->filter) {
    wb_uv(b, s->steal ? STEAL_ALL : MIRROR_ALL);
    wb_uv(b, s->port);
    return 1;
  }
  wb_uv(b, s->steal ? STEAL_FILTERED_HTTP_EX : MIRROR_FILTERED_HTTP);
  wb_uv(b, s->port);
  enc_http_filter(b, s->filter);
  return 1;
}

int enc_port_unsubscribe(struct wbuf *b, uint16_t port, const struct sockaddr *listening_on, socklen_t len) {
  wb_uv(b, L2P_INCOMING);
  wb_uv(b, INCOMING_PORT_UNSUBSCRIBE);
  wb_uv(b, port);
  wb_uv(b, LISTENING_ON_SOCKET);
  return wb_socket_addr(b, listening_on, len);
}

int enc_incoming_conn_metadata(struct wbuf *b, const struct sockaddr *listener, socklen_t listener_len,
                               const struct sockaddr *peer, socklen_t peer_len) {
  wb_uv(b, L2P_INCOMING);
  wb_uv(b, INCOMING_CONN_METADATA);
  return wb_socket_addr(b, listener, listener_len) && wb_socket_addr(b, peer, peer_len);
}

void dec_conn_metadata_response(struct rbuf *r, struct sockaddr_storage *remote_source, socklen_t *remote_len,
                                struct sockaddr_storage *local_address, socklen_t *local_len) {
  rb_socket_addr(r, remote_source, remote_len);
  rb_ip_addr(r, local_address, local_len);
}
