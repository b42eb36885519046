/*
 * Entries of the outgoing filter (`[tcp://|udp://][host|ip|[ipv6]|cidr][:port]`) and of the DNS
 * filter (`host|ip|cidr[:port]`), how-it-works.md §5.6/§5.7. Port 0 or absent = any port,
 * IP 0.0.0.0 (or no address) = any address. Host names are compared by the caller after
 * resolving them (outgoing) or against the looked-up name (DNS).
 */
#ifndef LAYER_NET_FILTER_H
#define LAYER_NET_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum nf_protocol { NF_PROTO_ANY, NF_PROTO_TCP, NF_PROTO_UDP };
enum nf_address { NF_ADDR_ANY, NF_ADDR_SUBNET, NF_ADDR_HOST };

struct nf_entry {
  enum nf_protocol protocol;
  enum nf_address kind;
  int family;          /* AF_INET / AF_INET6 for NF_ADDR_SUBNET */
  uint8_t addr[16];
  int prefix;          /* subnet prefix length (32/128 for a single IP) */
  char host[256];      /* NF_ADDR_HOST */
  uint16_t port;       /* 0 = any */
};

/** Parses one entry. Returns 0, or -1 with a message. Example: "tcp://10.0.0.0/8:443". */
int nf_parse(const char *text, struct nf_entry *out, char *err, size_t err_len);

/** Whether an IP/subnet/any entry matches this destination (host entries never match here). */
int nf_matches_addr(const struct nf_entry *e, int is_udp, const struct sockaddr *sa);

/** Whether the entry's protocol and port accept this destination (address not considered). */
int nf_matches_proto_port(const struct nf_entry *e, int is_udp, uint16_t port);

/** DNS filter: the entry matches a lookup of `node` (host name or IP literal) on `port`. */
int nf_matches_lookup(const struct nf_entry *e, const char *node, uint16_t port);

#endif
