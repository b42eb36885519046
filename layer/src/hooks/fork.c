/*
 * fork, vfork. fork: libc's fork; the child opens its own intproxy session with NewSession
 * {parent_layer: the parent's id} so it inherits the parent's remote fds (how-it-works.md §5.8).
 * vfork is emulated with fork (a child sharing the parent's memory could not run the layer):
 * the parent waits until the child execs or exits, as vfork's contract says. Errors: fork's.
 */
#include <fcntl.h>
#include <unistd.h>

#include "hook.h"
#include "session.h"

static void child_session(void) {
  if (!layer_intercepts()) return;
  int saved_errno = errno;
  int saved = guard_enter();
  session_restart_in_child();
  guard_leave(saved);
  errno = saved_errno;
}

LAYER_EXPORT pid_t fork(void) {
  if (!layer_intercepts()) return REAL(fork)();
  pid_t pid = REAL(fork)();
  if (pid == 0) child_session();
  return pid;
}

/* Never calls libc's vfork: returning from this function in a vfork child would corrupt the
   parent's stack. */
LAYER_EXPORT pid_t vfork(void) {
  int gate[2];
  int have_gate = pipe2(gate, O_CLOEXEC) == 0;
  pid_t pid = REAL(fork)();
  if (pid == 0) {
    if (have_gate) REAL(close)(gate[0]);
    child_session();
    return 0; /* gate[1] closes on exec or exit, releasing the parent */
  }
  if (!have_gate) return pid;
  int saved_errno = errno;
  REAL(close)(gate[1]);
  if (pid > 0) {
    char byte;
    while (REAL(read)(gate[0], &byte, 1) < 0 && errno == EINTR) {
    }
  }
  REAL(close)(gate[0]);
  errno = saved_errno;
  return pid;
}
