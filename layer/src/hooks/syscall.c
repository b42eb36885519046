/*
 * syscall (libc's generic entry point). Some runtimes skip the libc wrappers: libuv (node) calls
 * statx through syscall(SYS_statx, ...). Those numbers are routed to the layer's own hooks
 * (statx, getdents64), and so are the closes libuv makes with syscall(SYS_close) so the layer
 * never keeps a record for a closed fd whose number the kernel hands out again; every other
 * number goes straight to libc's syscall().
 * Errors: as the routed hook (-1 and errno), or the kernel's.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hook.h"

ssize_t getdents64(int fd, void *buf, size_t size);
int close_range(unsigned int first, unsigned int last, int flags);

LAYER_EXPORT long syscall(long number, ...) {
  va_list ap;
  va_start(ap, number);
  long a1 = va_arg(ap, long), a2 = va_arg(ap, long), a3 = va_arg(ap, long);
  long a4 = va_arg(ap, long), a5 = va_arg(ap, long), a6 = va_arg(ap, long);
  va_end(ap);
  if (!guard_active()) {
    if (number == SYS_statx && layer_ready())
      return statx((int)a1, (const char *)a2, (int)a3, (unsigned int)a4, (struct statx *)a5);
    if (number == SYS_getdents64 && fd_kind_of((int)a1) == FD_KIND_FILE)
      return getdents64((int)a1, (void *)a2, (size_t)a3);
    if (number == SYS_close && fd_kind_of((int)a1) != FD_KIND_NONE) return close((int)a1);
#ifdef SYS_close_range
    if (number == SYS_close_range) return close_range((unsigned int)a1, (unsigned int)a2, (int)a3);
#endif
  }
  return REAL(syscall)(number, a1, a2, a3, a4, a5, a6);
}
