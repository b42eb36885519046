/* See config.h. Field paths follow mirrord's resolved LayerConfig. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_filter.h"

void string_list_add(struct string_list *l, const char *item) {
  char **grown = realloc(l->items, (l->count + 1) * sizeof *grown);
  if (!grown) return;
  l->items = grown;
  char *copy = strdup(item);
  if (copy) l->items[l->count++] = copy;
}

int string_list_contains(const struct string_list *l, const char *item) {
  for (size_t i = 0; i < l->count; i++)
    if (!strcmp(l->items[i], item)) return 1;
  return 0;
}

int port_list_contains(const struct port_list *l, uint16_t port) {
  for (size_t i = 0; i < l->count; i++)
    if (l->items[i] == port) return 1;
  return 0;
}

int port_pairs_lookup(const struct port_pairs *p, uint16_t port, uint16_t *to) {
  for (size_t i = 0; i < p->count; i++)
    if (p->items[i].from == port) {
      *to = p->items[i].to;
      return 1;
    }
  return 0;
}

static int json_port(const struct json *v, uint16_t *out) {
  if (!v || v->type != JSON_NUMBER || v->number < 0 || v->number > 65535) return 0;
  *out = (uint16_t)v->number;
  return 1;
}

void port_list_from_json(struct port_list *l, const struct json *v) {
  if (!v || v->type == JSON_NULL) return;
  size_t n = v->type == JSON_ARRAY ? v->count : 1;
  free(l->items);
  l->items = calloc(n ? n : 1, sizeof *l->items);
  l->count = 0;
  l->set = 1;
  if (!l->items) return;
  for (size_t i = 0; i < n; i++)
    if (json_port(v->type == JSON_ARRAY ? v->items[i] : v, &l->items[l->count])) l->count++;
}

static void port_pairs_from_json(struct port_pairs *p, const struct json *v) {
  if (!v || v->type != JSON_ARRAY) return;
  p->items = calloc(v->count ? v->count : 1, sizeof *p->items);
  if (!p->items) return;
  for (size_t i = 0; i < v->count; i++) {
    const struct json *pair = v->items[i];
    if (pair->type == JSON_ARRAY && pair->count == 2 && json_port(pair->items[0], &p->items[p->count].from) &&
        json_port(pair->items[1], &p->items[p->count].to))
      p->count++;
  }
}

static int read_incoming(const struct json *incoming, struct layer_config *c, char *err, size_t err_len) {
  if (!incoming || incoming->type != JSON_OBJECT) return 0;
  c->incoming_ignore_localhost = json_bool_or(json_member(incoming, "ignore_localhost"), 0);
  port_list_from_json(&c->incoming_ignore_ports, json_member(incoming, "ignore_ports"));
  port_list_from_json(&c->incoming_ports, json_member(incoming, "ports"));
  port_pairs_from_json(&c->port_mapping, json_member(incoming, "port_mapping"));
  port_pairs_from_json(&c->listen_ports, json_member(incoming, "listen_ports"));
  return http_filter_from_json(json_member(incoming, "http_filter"), &c->http_filter, &c->http_filter_ports, err,
                               err_len);
}

static void list_free(struct string_list *l) {
  for (size_t i = 0; i < l->count; i++) free(l->items[i]);
  free(l->items);
  l->items = NULL;
  l->count = 0;
}

/* Adds a VecOrSingle value; with split, every element is also split on ';'. */
static void list_from_json(struct string_list *l, const struct json *v, int split) {
  if (!v) return;
  if (v->type == JSON_STRING) {
    if (!split) {
      string_list_add(l, v->string);
      return;
    }
    char *copy = strdup(v->string), *save = NULL;
    if (!copy) return;
    for (char *tok = strtok_r(copy, ";", &save); tok; tok = strtok_r(NULL, ";", &save))
      if (*tok) string_list_add(l, tok);
    free(copy);
  } else if (v->type == JSON_ARRAY) {
    for (size_t i = 0; i < v->count; i++) list_from_json(l, v->items[i], split);
  }
}

void config_defaults(struct layer_config *c) {
  memset(c, 0, sizeof *c);
  c->targetless = 1;
  c->skip_build_tools = 1;
  c->fs_mode = FS_MODE_READ;
  c->incoming_mode = INCOMING_MIRROR;
  c->outgoing_tcp = c->outgoing_udp = 1;
  c->dns_enabled = 1;
  c->ipv6 = 1;
  c->hostname = 1;
  c->magic_turbo = 1;
  c->tcp_ping4_mock = 1;
  c->enable_exec_hooks = 1;
  c->use_dev_null = 1;
  c->guard_std_fds = 1;
  c->socket_timeout_secs = 31536000;
}

static int parse_fs_mode(const char *s, enum fs_mode *out) {
  if (!s) return 0;
  if (!strcmp(s, "local")) *out = FS_MODE_LOCAL;
  else if (!strcmp(s, "localwithoverrides")) *out = FS_MODE_LOCAL_WITH_OVERRIDES;
  else if (!strcmp(s, "read")) *out = FS_MODE_READ;
  else if (!strcmp(s, "write")) *out = FS_MODE_WRITE;
  else return -1;
  return 1;
}

static int read_fs(const struct json *fs, struct layer_config *c, char *err, size_t err_len) {
  if (!fs || fs->type == JSON_NULL) return 0;
  if (fs->type == JSON_BOOL) {
    if (!fs->boolean) c->fs_mode = FS_MODE_LOCAL;
    return 0;
  }
  const char *mode = fs->type == JSON_STRING ? fs->string : json_string_or_null(json_member(fs, "mode"));
  if (parse_fs_mode(mode, &c->fs_mode) < 0) {
    snprintf(err, err_len, "feature.fs.mode \"%s\" is not one of local, localwithoverrides, read, write", mode);
    return -1;
  }
  if (fs->type != JSON_OBJECT) return 0;
  list_from_json(&c->fs_read_write, json_member(fs, "read_write"), 0);
  list_from_json(&c->fs_read_only, json_member(fs, "read_only"), 0);
  list_from_json(&c->fs_local, json_member(fs, "local"), 0);
  list_from_json(&c->fs_not_found, json_member(fs, "not_found"), 0);
  const struct json *mapping = json_member(fs, "mapping");
  if (mapping && mapping->type == JSON_OBJECT) {
    struct string_map *m = &c->fs_mapping;
    m->keys = calloc(mapping->count ? mapping->count : 1, sizeof *m->keys);
    m->values = calloc(mapping->count ? mapping->count : 1, sizeof *m->values);
    if (!m->keys || !m->values) return 0;
    for (size_t i = 0; i < mapping->count; i++) {
      const char *value = json_string_or_null(mapping->items[i]);
      if (!value) continue;
      m->keys[m->count] = strdup(mapping->keys[i]);
      m->values[m->count] = strdup(value);
      if (m->keys[m->count] && m->values[m->count]) m->count++;
    }
  }
  return 0;
}

static void read_filter(const struct json *filter, enum filter_side *side, struct string_list *l) {
  if (!filter || filter->type != JSON_OBJECT) return;
  const struct json *remote = json_member(filter, "remote"), *local = json_member(filter, "local");
  if (remote && remote->type != JSON_NULL) {
    *side = FILTER_REMOTE;
    list_from_json(l, remote, 0);
  } else if (local && local->type != JSON_NULL) {
    *side = FILTER_LOCAL;
    list_from_json(l, local, 0);
  }
}

static int read_network(const struct json *net, struct layer_config *c, char *err, size_t err_len) {
  if (!net || net->type == JSON_NULL) return 0;
  if (net->type == JSON_BOOL) {
    if (!net->boolean) {
      c->incoming_mode = INCOMING_OFF;
      c->outgoing_tcp = c->outgoing_udp = 0;
      c->dns_enabled = 0;
    }
    return 0;
  }
  const struct json *incoming = json_member(net, "incoming");
  const char *mode = NULL;
  if (incoming && incoming->type == JSON_BOOL) mode = incoming->boolean ? "mirror" : "off";
  else if (incoming && incoming->type == JSON_STRING) mode = incoming->string;
  else mode = json_string_or_null(json_member(incoming, "mode"));
  if (mode) {
    if (!strcmp(mode, "mirror")) c->incoming_mode = INCOMING_MIRROR;
    else if (!strcmp(mode, "steal")) c->incoming_mode = INCOMING_STEAL;
    else if (!strcmp(mode, "off")) c->incoming_mode = INCOMING_OFF;
    else {
      snprintf(err, err_len, "feature.network.incoming.mode \"%s\" is not one of mirror, steal, off", mode);
      return -1;
    }
  }
  if (read_incoming(incoming, c, err, err_len) < 0) return -1;
  const struct json *outgoing = json_member(net, "outgoing");
  if (outgoing && outgoing->type == JSON_BOOL) {
    c->outgoing_tcp = c->outgoing_udp = outgoing->boolean;
  } else if (outgoing && outgoing->type == JSON_OBJECT) {
    c->outgoing_tcp = json_bool_or(json_member(outgoing, "tcp"), 1);
    c->outgoing_udp = json_bool_or(json_member(outgoing, "udp"), 1);
    c->outgoing_ignore_localhost = json_bool_or(json_member(outgoing, "ignore_localhost"), 0);
    read_filter(json_member(outgoing, "filter"), &c->outgoing_filter_side, &c->outgoing_filter);
    list_from_json(&c->unix_streams, json_member(outgoing, "unix_streams"), 0);
  }
  const struct json *dns = json_member(net, "dns");
  if (dns && dns->type == JSON_BOOL) {
    c->dns_enabled = dns->boolean;
  } else if (dns && dns->type == JSON_OBJECT) {
    c->dns_enabled = json_bool_or(json_member(dns, "enabled"), 1);
    read_filter(json_member(dns, "filter"), &c->dns_filter_side, &c->dns_filter);
  }
  c->ipv6 = json_bool_or(json_member(net, "ipv6"), 1);
  return 0;
}

static void read_env(const struct json *env, struct layer_config *c) {
  if (!env || env->type == JSON_NULL) return;
  if (env->type == JSON_BOOL) {
    if (!env->boolean) string_list_add(&c->env_exclude, "*");
    return;
  }
  const struct json *load = json_member(env, "load_from_process");
  c->env_load_from_process = json_bool_or(load, 0);
  list_from_json(&c->env_include, json_member(env, "include"), 1);
  list_from_json(&c->env_exclude, json_member(env, "exclude"), 1);
  list_from_json(&c->env_unset, json_member(env, "unset"), 1);
}

int config_from_json(const struct json *root, struct layer_config *c, char *err, size_t err_len) {
  config_defaults(c);
  if (!root || root->type != JSON_OBJECT) {
    snprintf(err, err_len, "the resolved config is not a JSON object");
    return -1;
  }
  const struct json *target = json_member(root, "target");
  const struct json *path = target && target->type == JSON_OBJECT ? json_member(target, "path") : target;
  c->targetless = !path || path->type == JSON_NULL ||
                  (path->type == JSON_STRING && !strcmp(path->string, "targetless"));

  list_from_json(&c->skip_processes, json_member(root, "skip_processes"), 0);
  c->skip_build_tools = json_bool_or(json_member(root, "skip_build_tools"), 1);
  list_from_json(&c->skip_extra_build_tools, json_member(root, "skip_extra_build_tools"), 0);

  const struct json *feature = json_member(root, "feature");
  if (read_fs(json_member(feature, "fs"), c, err, err_len) < 0) return -1;
  read_env(json_member(feature, "env"), c);
  if (read_network(json_member(feature, "network"), c, err, err_len) < 0) return -1;
  c->hostname = json_bool_or(json_member(feature, "hostname"), 1);
  c->magic_turbo = json_bool_or(json_path(feature, "magic.turbo"), 1);

  const struct json *experimental = json_member(root, "experimental");
  c->tcp_ping4_mock = json_bool_or(json_member(experimental, "tcp_ping4_mock"), 1);
  c->enable_exec_hooks = json_bool_or(json_member(experimental, "enable_exec_hooks_linux"), 1);
  c->use_dev_null = json_bool_or(json_member(experimental, "use_dev_null"), 1);
  c->guard_std_fds = json_bool_or(json_member(experimental, "guard_std_fds"), 1);
  c->hide_ipv6_interfaces = json_bool_or(json_member(experimental, "hide_ipv6_interfaces"), 0);

  const struct json *timeout = json_path(root, "internal_proxy.socket_timeout");
  if (timeout && timeout->type == JSON_NUMBER && timeout->number > 0) c->socket_timeout_secs = (uint64_t)timeout->number;
  return 0;
}

void config_free(struct layer_config *c) {
  struct string_list *lists[] = {&c->skip_processes, &c->skip_extra_build_tools, &c->fs_read_write,
                                 &c->fs_read_only, &c->fs_local, &c->fs_not_found, &c->env_include,
                                 &c->env_exclude, &c->env_unset, &c->outgoing_filter,
                                 &c->unix_streams, &c->dns_filter};
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) list_free(lists[i]);
  free(c->incoming_ignore_ports.items);
  free(c->incoming_ports.items);
  free(c->http_filter_ports.items);
  free(c->port_mapping.items);
  free(c->listen_ports.items);
  http_filter_free(c->http_filter);
  for (size_t i = 0; i < c->fs_mapping.count; i++) {
    free(c->fs_mapping.keys[i]);
    free(c->fs_mapping.values[i]);
  }
  free(c->fs_mapping.keys);
  free(c->fs_mapping.values);
  memset(c, 0, sizeof *c);
}
