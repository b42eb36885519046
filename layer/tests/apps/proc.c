/*
 * Child processes.
 *   proc fork-read PATH               parent reads 3 bytes of a file, forks; the child reads the
 *                                     rest through the inherited fd
 *   proc vfork-exec PROG ARGS...      vfork + execv
 *   proc fork-exec PROG ARGS...       fork + execvp
 *   proc execve-clean PROG ARGS...    fork + execve with an empty environment
 *   proc posix_spawn PROG ARGS...     posix_spawn with environ
 *   proc posix_spawnp PROG ARGS...    posix_spawnp with an empty environment
 *   proc execl PROG ARGS...           fork + execl
 * The child's output goes to the same stdout; the parent prints "child exit N".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

extern char **environ;

static int wait_child(FILE *out, pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) < 0) return report_errno(out, "waitpid");
  fprintf(out, "child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return 0;
}

int run_case(FILE *out, int argc, char **argv) {
  if (argc < 2) return 2;
  const char *op = argv[0];
  fflush(NULL);
  if (!strcmp(op, "fork-read")) {
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) return report_errno(out, "open");
    char head[4] = {0};
    if (read(fd, head, 3) != 3) return report_errno(out, "read");
    fprintf(out, "parent read: %s\n", head);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
      char rest[256] = {0};
      ssize_t n = read(fd, rest, sizeof rest - 1);
      printf("child read: %s\n", n >= 0 ? rest : strerrorname_np(errno));
      fflush(stdout);
      _exit(n >= 0 ? 0 : 1);
    }
    int rc = wait_child(out, pid);
    close(fd);
    return rc;
  }
  char **child_argv = argv + 1;
  char *empty_env[] = {NULL};
  if (!strcmp(op, "posix_spawn") || !strcmp(op, "posix_spawnp")) {
    pid_t pid;
    int rc = !strcmp(op, "posix_spawn") ? posix_spawn(&pid, child_argv[0], NULL, NULL, child_argv, environ)
                                        : posix_spawnp(&pid, child_argv[0], NULL, NULL, child_argv, empty_env);
    if (rc) {
      errno = rc;
      return report_errno(out, op);
    }
    return wait_child(out, pid);
  }
  pid_t pid = !strcmp(op, "vfork-exec") ? vfork() : fork();
  if (pid < 0) return report_errno(out, "fork");
  if (pid == 0) {
    if (!strcmp(op, "vfork-exec")) execv(child_argv[0], child_argv);
    else if (!strcmp(op, "fork-exec")) execvp(child_argv[0], child_argv);
    else if (!strcmp(op, "execve-clean")) execve(child_argv[0], child_argv, empty_env);
    else if (!strcmp(op, "execl")) {
      char *rest[3] = {0};
      for (int i = 0; i < 3 && child_argv[i] && child_argv[i + 1]; i++) rest[i] = child_argv[i + 1];
      execl(child_argv[0], child_argv[0], rest[0], rest[1], rest[2], (char *)NULL);
    }
    _exit(127);
  }
  return wait_child(out, pid);
}
