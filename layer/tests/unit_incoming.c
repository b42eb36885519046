/*
 * layer_unit incoming: the incoming-traffic decisions (src/incoming_policy.c) and messages
 * (src/codec_incoming.c), stdin being a resolved config JSON.
 *   layer_unit incoming decide IP PORT tcp|udp [debugger]
 *       prints {"only_bound", "remote_port", "subscribe": hex of the PortSubscribe inner message
 *       for listening_on IP:PORT}
 *   layer_unit incoming attempts IP PORT [LISTEN_PORT]   prints the bind attempts ["ip:port", ...]
 *   layer_unit incoming unsubscribe IP PORT REMOTE_PORT  prints the PortUnsubscribe hex
 *   layer_unit incoming metadata LISTENER_IP LPORT PEER_IP PPORT   prints the ConnMetadata hex
 *   layer_unit incoming decode-metadata HEX              prints a ConnMetadataResponse
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "codec_incoming.h"
#include "config.h"
#include "config_json.h"
#include "incoming_policy.h"
#include "unit_driver.h"

static void print_addr(const struct sockaddr_storage *ss) {
  char ip[INET6_ADDRSTRLEN], text[80];
  const void *raw = ss->ss_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr
                                              : (const void *)&((const struct sockaddr_in *)ss)->sin_addr;
  inet_ntop(ss->ss_family, raw, ip, sizeof ip);
  uint16_t port = ntohs(ss->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)ss)->sin6_port
                                                  : ((const struct sockaddr_in *)ss)->sin_port);
  snprintf(text, sizeof text, ss->ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, port);
  json_cstr(text);
}

static void print_hex(const struct wbuf *b) {
  putchar('"');
  for (size_t i = 0; i < b->len; i++) printf("%02x", b->data[i]);
  putchar('"');
}

static int load_config(struct layer_config *c) {
  size_t len;
  char *text = read_all(stdin, &len);
  char err[256];
  struct json *root = json_parse(text, len, err, sizeof err);
  free(text);
  if (!root || config_from_json(root, c, err, sizeof err) < 0) {
    print_error(err);
    json_free(root);
    return -1;
  }
  json_free(root);
  return 0;
}

static int decide(int argc, char **argv) {
  struct layer_config c;
  if (argc < 3 || load_config(&c) < 0) return 0;
  struct sockaddr_storage ss;
  socklen_t len;
  parse_sockaddr(argv[0], argv[1], &ss, &len);
  int debugger = argc > 3 && !strcmp(argv[3], "debugger");
  struct port_subscription s;
  incoming_subscription(&c, (uint16_t)atoi(argv[1]), &s);
  struct wbuf b;
  wb_init(&b, NULL, 0);
  enc_port_subscribe(&b, (struct sockaddr *)&ss, len, &s);
  printf("{\"only_bound\":%d,\"remote_port\":%u,\"subscribe\":",
         incoming_only_bound(&c, (struct sockaddr *)&ss, !strcmp(argv[2], "tcp"), debugger),
         incoming_remote_port(&c, (uint16_t)atoi(argv[1])));
  print_hex(&b);
  printf("}\n");
  wb_free(&b);
  config_free(&c);
  return 0;
}

static int attempts(int argc, char **argv) {
  if (argc < 2) return 2;
  struct sockaddr_storage ss, out[4];
  socklen_t len;
  parse_sockaddr(argv[0], argv[1], &ss, &len);
  size_t n = incoming_bind_attempts((struct sockaddr *)&ss, argc > 2, argc > 2 ? (uint16_t)atoi(argv[2]) : 0, out);
  putchar('[');
  for (size_t i = 0; i < n; i++) {
    if (i) putchar(',');
    print_addr(&out[i]);
  }
  printf("]\n");
  return 0;
}

static int messages(const char *kind, int argc, char **argv) {
  struct sockaddr_storage a, p;
  struct wbuf b;
  wb_init(&b, NULL, 0);
  socklen_t la, lp;
  if (!strcmp(kind, "unsubscribe") && argc == 3) {
    parse_sockaddr(argv[0], argv[1], &a, &la);
    enc_port_unsubscribe(&b, (uint16_t)atoi(argv[2]), (struct sockaddr *)&a, la);
  } else if (!strcmp(kind, "metadata") && argc == 4) {
    parse_sockaddr(argv[0], argv[1], &a, &la);
    parse_sockaddr(argv[2], argv[3], &p, &lp);
    enc_incoming_conn_metadata(&b, (struct sockaddr *)&a, la, (struct sockaddr *)&p, lp);
  } else {
    return 2;
  }
  printf("{\"hex\":");
  print_hex(&b);
  printf("}\n");
  wb_free(&b);
  return 0;
}

static int decode_metadata(const char *hex) {
  uint8_t bytes[256];
  size_t n = parse_hex(hex, bytes, sizeof bytes);
  struct rbuf r;
  rb_init(&r, bytes, n);
  struct sockaddr_storage remote, local;
  socklen_t remote_len, local_len;
  dec_conn_metadata_response(&r, &remote, &remote_len, &local, &local_len);
  printf("{\"remote_source\":");
  print_addr(&remote);
  printf(",\"local_address\":");
  print_addr(&local);
  printf(",\"error\":%d}\n", r.err || r.pos != r.len);
  return 0;
}

int cmd_incoming(int argc, char **argv) {
  if (argc < 1) return 2;
  if (!strcmp(argv[0], "decide")) return decide(argc - 1, argv + 1);
  if (!strcmp(argv[0], "attempts")) return attempts(argc - 1, argv + 1);
  if (!strcmp(argv[0], "decode-metadata") && argc == 2) return decode_metadata(argv[1]);
  return messages(argv[0], argc - 1, argv + 1);
}
