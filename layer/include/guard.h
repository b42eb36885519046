/*
 * Per-thread "inside the layer" guard. While it is set, every hook calls straight through to
 * libc: the layer's own work (and libc/NSS code it calls) must never be intercepted again.
 * Saved and restored, never just cleared, so nested entries are safe.
 */
#ifndef LAYER_GUARD_H
#define LAYER_GUARD_H

#include <errno.h>

/* initial-exec TLS: no allocation on first access, safe in signal handlers. */
extern __thread int layer_guard_depth __attribute__((tls_model("initial-exec")));
extern __thread int layer_entry_errno __attribute__((tls_model("initial-exec")));

static inline int guard_active(void) { return layer_guard_depth != 0; }

/** Enters the layer; the outermost entry remembers the caller's errno. */
static inline int guard_enter(void) {
  int previous = layer_guard_depth;
  if (previous == 0) layer_entry_errno = errno;
  layer_guard_depth = previous + 1;
  return previous;
}

/** Leaves the layer; the outermost exit gives the caller its errno back, so the layer's own
    work never leaks errno values (hooks set errno after leaving when they fail). */
static inline void guard_leave(int previous) {
  layer_guard_depth = previous;
  if (previous == 0) errno = layer_entry_errno;
}

#endif
