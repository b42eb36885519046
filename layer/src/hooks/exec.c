/*
 * execve, execv, execvp, execvpe, execl, execlp, execle. Bypass: layer inactive or
 * experimental.enable_exec_hooks_linux false. Otherwise the new program gets an environment that
 * keeps LD_PRELOAD (with this library) and the MIRRORD_* hand-off variables even if the caller
 * dropped them, plus MIRRORD_SHARED_SOCKETS; the new image decides itself whether it is skipped.
 * Errors: exec's (E2BIG, ENOENT, ...), ENOMEM when the environment cannot be built.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "exec_env.h"
#include "hook.h"

extern char **environ;

static int exec_hooks_on(void) { return layer_intercepts() && layer.exec_hooks; }

static int run_exec(const char *file, char *const argv[], char *const envp[], int search_path) {
  int saved = guard_enter();
  struct exec_env env;
  int rc = exec_env_prepare(envp, &env);
  guard_leave(saved);
  if (rc < 0) return (int)errno_result(-ENOMEM);
  if (search_path) REAL(execvpe)(file, argv, env.envp);
  else REAL(execve)(file, argv, env.envp);
  int saved_errno = errno;
  exec_env_free(&env);
  errno = saved_errno;
  return -1;
}

LAYER_EXPORT int execve(const char *path, char *const argv[], char *const envp[]) {
  if (!exec_hooks_on()) return REAL(execve)(path, argv, envp);
  return run_exec(path, argv, envp, 0);
}

LAYER_EXPORT int execv(const char *path, char *const argv[]) {
  if (!exec_hooks_on()) return REAL(execv)(path, argv);
  return run_exec(path, argv, NULL, 0);
}

LAYER_EXPORT int execvp(const char *file, char *const argv[]) {
  if (!exec_hooks_on()) return REAL(execvp)(file, argv);
  return run_exec(file, argv, NULL, 1);
}

LAYER_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[]) {
  if (!exec_hooks_on()) return REAL(execvpe)(file, argv, envp);
  return run_exec(file, argv, envp, 1);
}

/* Collects the variadic arguments of the execl family (argv on the heap). */
static char **collect_args(const char *first, va_list ap, char ***envp_out) {
  va_list count_ap;
  va_copy(count_ap, ap);
  size_t n = 1;
  while (va_arg(count_ap, char *)) n++;
  va_end(count_ap);
  char **argv = malloc((n + 1) * sizeof *argv);
  if (!argv) return NULL;
  argv[0] = (char *)first;
  for (size_t i = 1; i <= n; i++) argv[i] = va_arg(ap, char *);
  if (envp_out) *envp_out = va_arg(ap, char **);
  return argv;
}

static int execl_common(const char *file, char **argv, char **envp, int search_path) {
  if (!argv) return (int)errno_result(-ENOMEM);
  int rc;
  if (exec_hooks_on()) rc = run_exec(file, argv, envp, search_path);
  else if (search_path) rc = REAL(execvpe)(file, argv, envp ? envp : environ);
  else rc = REAL(execve)(file, argv, envp ? envp : environ);
  int saved_errno = errno;
  free(argv);
  errno = saved_errno;
  return rc;
}

LAYER_EXPORT int execl(const char *path, const char *arg, ...) {
  va_list ap;
  va_start(ap, arg);
  char **argv = collect_args(arg, ap, NULL);
  va_end(ap);
  return execl_common(path, argv, NULL, 0);
}

LAYER_EXPORT int execlp(const char *file, const char *arg, ...) {
  va_list ap;
  va_start(ap, arg);
  char **argv = collect_args(arg, ap, NULL);
  va_end(ap);
  return execl_common(file, argv, NULL, 1);
}

LAYER_EXPORT int execle(const char *path, const char *arg, ...) {
  va_list ap;
  va_start(ap, arg);
  char **envp = NULL;
  char **argv = collect_args(arg, ap, &envp);
  va_end(ap);
  return execl_common(path, argv, envp, 0);
}
