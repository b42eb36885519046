/*
 * posix_spawn, posix_spawnp (also what system() and popen() use inside glibc for their own
 * children, though those calls do not pass through here). Bypass: layer inactive or exec hooks
 * off. Otherwise the child's environment is prepared as for exec (LD_PRELOAD and MIRRORD_*
 * kept), so spawned children stay layered unless skip_processes / skip_build_tools match them.
 */
#include "exec_env.h"
#include "hook.h"

static int spawn(int search_path, pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                 const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
  int saved = guard_enter();
  struct exec_env env;
  int rc = exec_env_prepare(envp, &env);
  guard_leave(saved);
  if (rc < 0) return ENOMEM;
  rc = search_path ? REAL(posix_spawnp)(pid, path, actions, attr, argv, env.envp)
                   : REAL(posix_spawn)(pid, path, actions, attr, argv, env.envp);
  exec_env_free(&env);
  return rc;
}

LAYER_EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                             const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
  if (!layer_intercepts() || !layer.exec_hooks) return REAL(posix_spawn)(pid, path, actions, attr, argv, envp);
  return spawn(0, pid, path, actions, attr, argv, envp);
}

LAYER_EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
                              const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
  if (!layer_intercepts() || !layer.exec_hooks) return REAL(posix_spawnp)(pid, file, actions, attr, argv, envp);
  return spawn(1, pid, file, actions, attr, argv, envp);
}
