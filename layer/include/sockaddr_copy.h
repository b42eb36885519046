/* Copying an address out to a caller's (struct sockaddr *, socklen_t *) pair, as the kernel does:
   truncate to the caller's capacity, report the full length. */
#ifndef LAYER_SOCKADDR_COPY_H
#define LAYER_SOCKADDR_COPY_H

#include <string.h>
#include <sys/socket.h>

static inline void sockaddr_copy_out(const struct sockaddr_storage *from, socklen_t from_len,
                                     struct sockaddr *to, socklen_t *to_len) {
  if (!to || !to_len) return;
  socklen_t n = *to_len < from_len ? *to_len : from_len;
  memcpy(to, from, n);
  *to_len = from_len;
}

#endif
