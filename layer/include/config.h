/*
 * The resolved mirrord config as the layer needs it, read from the JSON that the CLI passes
 * base64-encoded in MIRRORD_RESOLVED_CONFIG. Missing sections take mirrord's defaults; toggle
 * sections also accept their short forms (true/false/string) and list fields a single string.
 */
#ifndef LAYER_CONFIG_H
#define LAYER_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "config_json.h"

enum fs_mode { FS_MODE_LOCAL, FS_MODE_LOCAL_WITH_OVERRIDES, FS_MODE_READ, FS_MODE_WRITE };
enum incoming_mode { INCOMING_MIRROR, INCOMING_STEAL, INCOMING_OFF };
enum filter_side { FILTER_NONE, FILTER_REMOTE, FILTER_LOCAL };

struct string_list {
  char **items;
  size_t count;
};

/* Ordered (insertion order of the JSON object). */
struct string_map {
  char **keys;
  char **values;
  size_t count;
};

/** A list of ports; `set` is 0 when the config has null (meaning "no list"). */
struct port_list {
  uint16_t *items;
  size_t count;
  int set;
};

/** `[[a, b], ...]` pairs (port_mapping: local -> remote; listen_ports: requested -> bound). */
struct port_pair {
  uint16_t from, to;
};
struct port_pairs {
  struct port_pair *items;
  size_t count;
};

struct http_filter; /* http_filter.h */

struct layer_config {
  int targetless;                      /* target.path null or "targetless" */
  struct string_list skip_processes;   /* skip_processes */
  int skip_build_tools;                /* skip_build_tools */
  struct string_list skip_extra_build_tools;

  enum fs_mode fs_mode;                /* feature.fs.mode */
  struct string_list fs_read_write, fs_read_only, fs_local, fs_not_found;
  struct string_map fs_mapping;        /* feature.fs.mapping */

  int env_load_from_process;           /* feature.env.load_from_process */
  struct string_list env_include, env_exclude, env_unset;

  enum incoming_mode incoming_mode;    /* feature.network.incoming.mode */
  int incoming_ignore_localhost;       /* feature.network.incoming.ignore_localhost */
  struct port_list incoming_ignore_ports, incoming_ports;  /* .ignore_ports, .ports */
  struct port_pairs port_mapping, listen_ports;            /* .port_mapping, .listen_ports */
  struct http_filter *http_filter;     /* .http_filter as the wire filter; NULL: none set */
  struct port_list http_filter_ports;  /* .http_filter.ports (unset: every port) */
  int outgoing_tcp, outgoing_udp, outgoing_ignore_localhost;
  enum filter_side outgoing_filter_side;
  struct string_list outgoing_filter;  /* feature.network.outgoing.filter.{remote|local} */
  struct string_list unix_streams;     /* feature.network.outgoing.unix_streams */
  int dns_enabled;                     /* feature.network.dns.enabled */
  enum filter_side dns_filter_side;
  struct string_list dns_filter;       /* feature.network.dns.filter.{remote|local} */
  int ipv6;                            /* feature.network.ipv6 */
  int hostname;                        /* feature.hostname */
  int magic_turbo;                     /* feature.magic.turbo */

  int tcp_ping4_mock;                  /* experimental.* */
  int enable_exec_hooks;
  int use_dev_null;
  int guard_std_fds;
  int hide_ipv6_interfaces;

  uint64_t socket_timeout_secs;        /* internal_proxy.socket_timeout */
};

void config_defaults(struct layer_config *c);

/** Fills c from the resolved-config JSON. Returns 0, or -1 with a message in err. */
int config_from_json(const struct json *root, struct layer_config *c, char *err, size_t err_len);

void config_free(struct layer_config *c);

/** Appends items to a list (copies); used for env-provided additions. */
void string_list_add(struct string_list *l, const char *item);

int string_list_contains(const struct string_list *l, const char *item);

/** Reads a port or a list of ports (VecOrSingle); null leaves the list unset. */
void port_list_from_json(struct port_list *l, const struct json *v);

int port_list_contains(const struct port_list *l, uint16_t port);

/** The `to` of the pair whose `from` is port; returns 0 when none. */
int port_pairs_lookup(const struct port_pairs *p, uint16_t port, uint16_t *to);

#endif
