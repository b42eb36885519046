/*
 * The pod sandbox's first process: it holds the pod's namespaces open, reaps the zombies of a
 * pod that shares its PID namespace, and exits on SIGINT/SIGTERM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int signo) {
  (void)signo;
  _exit(0);
}

static void on_child(int signo) {
  (void)signo;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

static int set_handler(int signo, void (*handler)(int), int flags) {
  struct sigaction action;
  memset(&action, 0, sizeof(action));
  action.sa_handler = handler;
  action.sa_flags = flags;
  sigemptyset(&action.sa_mask);
  return sigaction(signo, &action, NULL);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    puts("pause (mirrord-ts) 1");
    return 0;
  }
  if (getpid() != 1) fputs("[pause] warning: not PID 1, zombies are reaped only for my children\n", stderr);
  if (set_handler(SIGINT, on_stop, 0) < 0 || set_handler(SIGTERM, on_stop, 0) < 0 ||
      set_handler(SIGCHLD, on_child, SA_NOCLDSTOP | SA_RESTART) < 0) {
    perror("[pause] Cannot install signal handlers");
    return 1;
  }
  for (;;) pause();
}
