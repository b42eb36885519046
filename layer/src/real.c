/*
 * Resolves the real libc functions once. Called lazily from the first hook that needs one, which
 * may run before the layer's constructor (another library's constructor can call open()).
 */
#include "real.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct real_table real_fns;
int real_ready;

static pthread_once_t resolve_once = PTHREAD_ONCE_INIT;

/* Raw syscall: this runs before any real function is known. */
static void die(const char *what, const char *name) {
  const char *prefix = "[layer] Cannot start the mirrord layer: ";
  syscall(SYS_write, 2, prefix, strlen(prefix));
  syscall(SYS_write, 2, what, strlen(what));
  syscall(SYS_write, 2, name, strlen(name));
  syscall(SYS_write, 2, " — this is a bug, please report it\n", strlen(" — this is a bug, please report it\n"));
  abort();
}

static void *layer_base(void) {
  Dl_info self;
  if (!dladdr((void *)&real_resolve, &self)) return NULL;
  return self.dli_fbase;
}

/* glibc keeps some old entry points (the __xstat family) only as compat versions. */
static void *lookup_compat(const char *name) {
  static const char *const versions[] = {"GLIBC_2.2.5", "GLIBC_2.17", "GLIBC_2.0", NULL};
  for (const char *const *v = versions; *v; v++) {
    void *sym = dlvsym(RTLD_NEXT, name, *v);
    if (sym) return sym;
  }
  return NULL;
}

static void *lookup(const char *name, int required, void *self_base) {
  void *sym = dlsym(RTLD_NEXT, name);
  if (!sym) sym = lookup_compat(name);
  if (!sym) {
    if (required) die("libc has no symbol ", name);
    return NULL;
  }
  Dl_info info;
  if (self_base && dladdr(sym, &info) && info.dli_fbase == self_base)
    die("dlsym resolved back into the layer for ", name);
  return sym;
}

static void resolve_all(void) {
  void *self_base = layer_base();
#define REAL_FN(ret, name, args) *(void **)&real_fns.name = lookup(#name, 1, self_base);
#define REAL_OPT(ret, name, args) *(void **)&real_fns.name = lookup(#name, 0, self_base);
#include "real_symbols.h"
#undef REAL_FN
#undef REAL_OPT
  __atomic_store_n(&real_ready, 1, __ATOMIC_RELEASE);
}

void real_resolve(void) { pthread_once(&resolve_once, resolve_all); }
