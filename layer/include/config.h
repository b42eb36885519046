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

  uint64_t socket_timeout_secs;        /* internal_proxy.socket_timeout */
};

void config_defaults(struct layer_config *c);

/** Fills c from the resolved-config JSON. Returns 0, or -1 with a message in err. */
int config_from_json(const struct json *root, struct layer_config *c, char *err, size_t err_len);

void config_free(struct layer_config *c);

/** Appends items to a list (copies); used for env-provided additions. */
void string_list_add(struct string_list *l, const char *item);

int string_list_contains(const struct string_list *l, const char *item);

#endif
