/*
 * Per-thread "inside the layer" guard. While it is set, every hook calls straight through to
 * libc: the layer's own work (and libc/NSS code it calls) must never be intercepted again.
 * Saved and restored, never just cleared, so nested entries are safe.
 */
#ifndef LAYER_GUARD_H
#define LAYER_GUARD_H

/* initial-exec TLS: no allocation on first access, safe in signal handlers. */
extern __thread int layer_guard_depth __attribute__((tls_model("initial-exec")));

static inline int guard_active(void) { return layer_guard_depth != 0; }

static inline int guard_enter(void) {
  int previous = layer_guard_depth;
  layer_guard_depth = previous + 1;
  return previous;
}

static inline void guard_leave(int previous) { layer_guard_depth = previous; }

#endif
