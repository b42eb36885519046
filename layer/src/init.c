/*
 * Start-up of the layer (how-it-works.md §5.1): read the resolved config and the intproxy
 * address, decide whether this process is skipped, open the session, fetch/unset env vars.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base64.h"
#include "codec.h"
#include "config_json.h"
#include "exec_env.h"
#include "fd_table.h"
#include "incoming.h"
#include "intproxy_conn.h"
#include "layer.h"
#include "log.h"
#include "real.h"
#include "session.h"

struct layer_state layer;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_done;

static const char *const build_tools[] = {
  "as", "cc", "ld", "go", "air", "asm", "cc1", "cgo", "dlv", "gcc", "git", "link", "math",
  "cargo", "hpack", "rustc", "compile", "collect2", "cargo-watch", "debugserver", "jspawnhelper",
  "bazel-real", "clang",
};

static void fatal(const char *reason, const char *next_step) {
  LOG_ERR("Cannot load the mirrord layer: %s — %s", reason, next_step);
  _exit(1);
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static void read_identity(void) {
  ssize_t n = REAL(readlink)("/proc/self/exe", layer.exe_path, sizeof layer.exe_path - 1);
  layer.exe_path[n > 0 ? n : 0] = 0;
  snprintf(layer.exe_name, sizeof layer.exe_name, "%.255s", base_name(layer.exe_path));
  char argv0[PATH_MAX] = "";
  int fd = REAL(open)("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t got = REAL(read)(fd, argv0, sizeof argv0 - 1);
    argv0[got > 0 ? got : 0] = 0;
    REAL(close)(fd);
  }
  snprintf(layer.invoked_as, sizeof layer.invoked_as, "%.255s", base_name(argv0));
  Dl_info self;
  if (dladdr((void *)&layer_ready, &self) && self.dli_fname) {
    if (!REAL(realpath)(self.dli_fname, layer.self_path))
      snprintf(layer.self_path, sizeof layer.self_path, "%s", self.dli_fname);
  }
}

static int name_matches(const char *name) {
  return !strcmp(layer.exe_name, name) || !strcmp(layer.invoked_as, name);
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && !strcmp(s + a - b, suffix);
}

static int is_skipped(void) {
  const struct layer_config *c = &layer.config;
  if (c->skip_build_tools) {
    for (size_t i = 0; i < sizeof build_tools / sizeof build_tools[0]; i++)
      if (name_matches(build_tools[i])) return 1;
    for (size_t i = 0; i < c->skip_extra_build_tools.count; i++)
      if (name_matches(c->skip_extra_build_tools.items[i])) return 1;
  }
  if (ends_with(layer.exe_name, "JetBrains.Debugger.Worker") || ends_with(layer.invoked_as, "JetBrains.Debugger.Worker"))
    return 1;
  for (size_t i = 0; i < c->skip_processes.count; i++)
    if (name_matches(c->skip_processes.items[i])) return 1;
  return 0;
}

/* Next.js dev servers talk to themselves over localhost: keep that local ("turbo"). */
static void apply_turbo(void) {
  if (layer.config.magic_turbo && !getenv("MIRRORD_OUTGOING_IGNORE_LOCALHOST")) {
    char buf[16384];
    int fd = REAL(open)("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    ssize_t len = fd >= 0 ? REAL(read)(fd, buf, sizeof buf - 1) : 0;
    if (fd >= 0) REAL(close)(fd);
    for (ssize_t i = 0; i < len;) {
      const char *arg = buf + i;
      size_t n = strnlen(arg, (size_t)(len - i));
      if (!strcmp(arg, "next") || ends_with(arg, "/next") || strstr(arg, "/next/dist/")) {
        setenv("MIRRORD_OUTGOING_IGNORE_LOCALHOST", "true", 1);
        break;
      }
      i += (ssize_t)n + 1;
    }
  }
  if (getenv("MIRRORD_OUTGOING_IGNORE_LOCALHOST")) layer.config.outgoing_ignore_localhost = 1;
}

static void guard_std_fds(void) {
  for (int fd = 0; fd <= 2; fd++) {
    if (REAL(fcntl)(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    int null_fd = REAL(open)("/dev/null", O_RDWR);
    if (null_fd >= 0 && null_fd != fd) {
      REAL(dup2)(null_fd, fd);
      REAL(close)(null_fd);
    }
  }
}

static void parse_debugger_ports(void) {
  const char *spec = getenv("MIRRORD_IGNORE_DEBUGGER_PORTS");
  if (!spec) return;
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", spec);
  char *save = NULL;
  for (char *tok = strtok_r(buf, ",", &save); tok && layer.debugger_port_count < 64; tok = strtok_r(NULL, ",", &save)) {
    long lo, hi;
    char *dash = strchr(tok, '-');
    lo = strtol(tok, NULL, 10);
    hi = dash ? strtol(dash + 1, NULL, 10) : lo;
    if (lo <= 0 || hi < lo || hi > 65535) continue;
    layer.debugger_ports[layer.debugger_port_count][0] = (uint16_t)lo;
    layer.debugger_ports[layer.debugger_port_count][1] = (uint16_t)hi;
    layer.debugger_port_count++;
  }
}

int layer_is_debugger_port(uint16_t port) {
  for (int i = 0; i < layer.debugger_port_count; i++)
    if (port >= layer.debugger_ports[i][0] && port <= layer.debugger_ports[i][1]) return 1;
  return 0;
}

static void load_config(void) {
  const char *encoded = getenv("MIRRORD_RESOLVED_CONFIG");
  if (!encoded || !*encoded)
    fatal("MIRRORD_RESOLVED_CONFIG is not set", "run the program through `mirrord exec`");
  size_t len;
  char *text = base64_decode(encoded, &len);
  if (!text) fatal("MIRRORD_RESOLVED_CONFIG is not valid base64", "run the program through `mirrord exec`");
  char err[256];
  struct json *root = json_parse(text, len, err, sizeof err);
  free(text);
  if (!root) {
    char reason[320];
    snprintf(reason, sizeof reason, "MIRRORD_RESOLVED_CONFIG is not valid JSON (%s)", err);
    fatal(reason, "run the program through `mirrord exec`");
  }
  if (config_from_json(root, &layer.config, err, sizeof err) < 0) fatal(err, "check the mirrord config");
  json_free(root);
  const char *skip = getenv("MIRRORD_SKIP_PROCESSES");
  if (skip) {
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", skip);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save))
      if (*tok && !string_list_contains(&layer.config.skip_processes, tok))
        string_list_add(&layer.config.skip_processes, tok);
  }
}

static void policy_warning(const char *message) { LOG_WRN("%s", message); }

static void build_fs_policy(void) {
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd)) cwd[0] = 0;
  const char *tmp = getenv("TMPDIR");
  struct fs_policy_env env = {getenv("HOME"), tmp && *tmp ? tmp : "/tmp", cwd, layer.exe_path};
  layer.fs = fs_policy_build(&layer.config, &env, policy_warning);
  layer.fs_enabled = layer.fs && fs_policy_mode(layer.fs) != FS_MODE_LOCAL;
}

static void fetch_remote_env(void) {
  const char *fetched = getenv("MIRRORD_REMOTE_ENV_FETCHED");
  if (!layer.config.env_load_from_process || (fetched && !strcmp(fetched, "true"))) return;
  const struct layer_config *c = &layer.config;
  uint8_t stack[512];
  struct wbuf b;
  wb_init(&b, stack, sizeof stack);
  enc_get_env(&b, (const char *const *)c->env_exclude.items, c->env_exclude.count,
              (const char *const *)c->env_include.items, c->env_include.count);
  struct conn_response resp;
  int rc = conn_request(&b, &resp);
  wb_free(&b);
  if (rc < 0) return;
  if (resp.variant == P2L_GET_ENV && rb_result_ok(&resp.r)) {
    uint64_t count = rb_uv(&resp.r, 64);
    for (uint64_t i = 0; i < count && !resp.r.err; i++) {
      size_t kn, vn;
      const uint8_t *k = rb_bytes(&resp.r, &kn);
      const uint8_t *v = rb_bytes(&resp.r, &vn);
      char *key = strndup((const char *)k, kn), *value = strndup((const char *)v, vn);
      if (key && value && !resp.r.err) setenv(key, value, 1);
      free(key);
      free(value);
    }
    setenv("MIRRORD_REMOTE_ENV_FETCHED", "true", 1);
  } else {
    LOG_WRN("Cannot load the target's environment (feature.env.load_from_process): the internal proxy refused");
  }
  conn_response_free(&resp);
}

static void unset_env(void) {
  const struct string_list *names = &layer.config.env_unset;
  if (!names->count) return;
  extern char **environ;
  for (int again = 1; again;) {
    again = 0;
    for (char **e = environ; e && *e; e++) {
      const char *eq = strchr(*e, '=');
      size_t n = eq ? (size_t)(eq - *e) : strlen(*e);
      for (size_t i = 0; i < names->count; i++) {
        if (strlen(names->items[i]) == n && !strncasecmp(names->items[i], *e, n)) {
          char name[256];
          snprintf(name, sizeof name, "%.*s", (int)n, *e);
          unsetenv(name);
          again = 1; /* environ changed under us: rescan */
          break;
        }
      }
      if (again) break;
    }
  }
}

/* Lock order everywhere: fd table, then the intproxy link. */
static void atfork_prepare(void) {
  fd_table_lock_for_fork();
  conn_lock_for_fork();
}
static void atfork_parent(void) {
  conn_unlock_after_fork(0);
  fd_table_unlock_after_fork(0);
}
static void atfork_child(void) {
  fd_table_unlock_after_fork(1);
  conn_unlock_after_fork(1);
}

static void layer_init(void) {
  int saved_guard = guard_enter();
  log_init();
  if (getenv("MIRRORD_DONT_LOAD")) {
    LOG_ERR("The mirrord layer was loaded into a process that sets MIRRORD_DONT_LOAD — this is a bug, please report it");
    abort();
  }
  real_resolve();
  read_identity();
  load_config();
  layer.intproxy_addr = getenv("MIRRORD_LAYER_INTPROXY_ADDR");
  if (!layer.intproxy_addr || !*layer.intproxy_addr)
    fatal("MIRRORD_LAYER_INTPROXY_ADDR is not set", "run the program through `mirrord exec`");
  layer.intproxy_addr = strdup(layer.intproxy_addr);
  apply_turbo();
  parse_debugger_ports();

  char err[320];
  if (is_skipped()) {
    /* Skipped processes only register (so the session is visible) and stay idle. */
    if (session_start(0, err, sizeof err) < 0) {
      char reason[400];
      snprintf(reason, sizeof reason, "failed to initialize proxy connection at %s (%s)", layer.intproxy_addr, err);
      fatal(reason, "check that the mirrord session is still running");
    }
    LOG_DBG("process %s is skipped: the layer stays idle", layer.exe_name);
    guard_leave(saved_guard);
    return;
  }
  if (layer.config.guard_std_fds) guard_std_fds();
  int trace_only = getenv("MIRRORD_LAYER_TRACE_ONLY") && strcmp(getenv("MIRRORD_LAYER_TRACE_ONLY"), "false");
  build_fs_policy();
  layer.dns_enabled = layer.config.dns_enabled;
  layer.outgoing_tcp = layer.config.outgoing_tcp;
  layer.outgoing_udp = layer.config.outgoing_udp;
  layer.exec_hooks = layer.config.enable_exec_hooks;
  if (trace_only) layer.fs_enabled = layer.dns_enabled = layer.outgoing_tcp = layer.outgoing_udp = 0;
  if (session_start(1, err, sizeof err) < 0) {
    char reason[400];
    snprintf(reason, sizeof reason, "failed to initialize proxy connection at %s (%s)", layer.intproxy_addr, err);
    fatal(reason, "check that the mirrord session is still running");
  }
  fetch_remote_env();
  unset_env();
  exec_env_import_sockets();
  incoming_resubscribe_inherited();
  pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
  __atomic_store_n(&layer.active, 1, __ATOMIC_RELEASE);
  LOG_DBG("layer active in %s (session %llu)", layer.exe_name, (unsigned long long)layer.layer_id);
  guard_leave(saved_guard);
}

static void init_and_publish(void) {
  layer_init();
  __atomic_store_n(&init_done, 1, __ATOMIC_RELEASE);
}

int layer_ready(void) {
  if (__builtin_expect(__atomic_load_n(&init_done, __ATOMIC_ACQUIRE), 1))
    return __atomic_load_n(&layer.active, __ATOMIC_ACQUIRE);
  int saved_errno = errno;
  pthread_once(&init_once, init_and_publish);
  errno = saved_errno;
  return __atomic_load_n(&layer.active, __ATOMIC_ACQUIRE);
}

__attribute__((constructor)) static void layer_constructor(void) { layer_ready(); }
