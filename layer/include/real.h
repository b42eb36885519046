/*
 * The real libc functions, resolved once with dlsym(RTLD_NEXT). Hooks call REAL(name)(...)
 * to reach libc, never the hooked symbol, so the layer's own I/O never re-enters a hook.
 */
#ifndef LAYER_REAL_H
#define LAYER_REAL_H

#include <dirent.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/xattr.h>

struct real_table {
#define REAL_FN(ret, name, args) ret(*name) args;
#define REAL_OPT(ret, name, args) ret(*name) args;
#include "real_symbols.h"
#undef REAL_FN
#undef REAL_OPT
};

extern struct real_table real_fns;
extern int real_ready;

/** Resolves every symbol (once, thread-safe); aborts if one resolves back into the layer. */
void real_resolve(void);

static inline struct real_table *real_table_get(void) {
  if (__builtin_expect(!__atomic_load_n(&real_ready, __ATOMIC_ACQUIRE), 0)) real_resolve();
  return &real_fns;
}

#define REAL(name) (real_table_get()->name)

#endif
