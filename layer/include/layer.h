/*
 * The layer's process-wide state and its initialisation (how-it-works.md §5.1). Init runs once
 * under pthread_once, from the library constructor or lazily from the first hook that needs it
 * (another library's constructor may call open() before ours has run).
 */
#ifndef LAYER_LAYER_H
#define LAYER_LAYER_H

#include <limits.h>
#include <stdint.h>

#include "config.h"
#include "fs_policy.h"
#include "guard.h"

struct layer_state {
  int active;            /* fully loaded: hooks intercept */
  int fs_enabled;        /* fs mode != local */
  int dns_enabled;
  int outgoing_tcp, outgoing_udp;
  int exec_hooks;
  struct layer_config config;
  struct fs_policy *fs;
  const char *intproxy_addr;
  uint64_t layer_id;
  char exe_path[PATH_MAX];
  char exe_name[256];
  char invoked_as[256];
  char self_path[PATH_MAX];   /* this library, for LD_PRELOAD of children */
  uint16_t debugger_ports[64][2];  /* MIRRORD_IGNORE_DEBUGGER_PORTS ranges */
  int debugger_port_count;
};

extern struct layer_state layer;

/** Runs init if needed; returns 1 when the layer is fully active in this process. */
int layer_ready(void);

/** True when a hook should intercept: not inside the layer and the layer is active. */
static inline int layer_intercepts(void) { return !guard_active() && layer_ready(); }

/** Whether a loopback port is a debugger's (bypassed for connect, never subscribed). */
int layer_is_debugger_port(uint16_t port);

#endif
