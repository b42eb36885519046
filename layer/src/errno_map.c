/* See errno_map.h. */
#include "errno_map.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>

/* ErrorKindInternal (protocol.md §3.15) in declaration order. */
static const int io_kind_errno[] = {
  ENOENT, EACCES, ECONNREFUSED, ECONNRESET, EHOSTUNREACH, ENETUNREACH, ECONNABORTED, ENOTCONN,
  EADDRINUSE, EADDRNOTAVAIL, ENETDOWN, EPIPE, EEXIST, EAGAIN, ENOTDIR, EISDIR, ENOTEMPTY, EROFS,
  ELOOP, ESTALE, EINVAL, EINVAL, ETIMEDOUT, EIO, ENOSPC, ESPIPE, EDQUOT, EFBIG, EBUSY, ETXTBSY,
  EDEADLK, EXDEV, EMLINK, ENAMETOOLONG, E2BIG, EINTR, ENOSYS, EIO, ENOMEM, EIO, EIO,
};

enum { REMOTE_CONNECT_TIMED_OUT = 3 };

int remote_error_errno(const struct remote_error *e) {
  switch (e->kind) {
    case RERR_REMOTE_IO:
      if (e->has_os_error && e->raw_os_error > 0) return e->raw_os_error;
      if (e->io_kind < sizeof io_kind_errno / sizeof io_kind_errno[0]) return io_kind_errno[e->io_kind];
      return EIO;
    case RERR_NOT_FOUND:
    case RERR_OPEN_LOCAL:
      return ENOENT;
    case RERR_NOT_DIRECTORY: return ENOTDIR;
    case RERR_NOT_FILE: return EISDIR;
    case RERR_IDS_EXHAUSTED: return ENOMEM;
    case RERR_SYSTEM_FAILURE: return EIO;
    case RERR_FORBIDDEN:
    case RERR_FORBIDDEN_WITH_REASON:
      return EACCES;
    case RERR_REMOTE:
      return e->remote_kind == REMOTE_CONNECT_TIMED_OUT ? ENETUNREACH : EINVAL;
    default:
      return EINVAL;
  }
}

enum { DNS_NO_RECORDS = 2, DNS_TIMEOUT = 4, DNS_NOT_FOUND = 6 };

int remote_error_eai(const struct remote_error *e) {
  if (e->kind == RERR_DNS_LOOKUP) {
    if (e->dns_kind == DNS_TIMEOUT) return EAI_AGAIN;
    if (e->dns_kind == DNS_NO_RECORDS || e->dns_kind == DNS_NOT_FOUND) return EAI_NONAME;
  }
  if (e->kind == RERR_REMOTE_IO && e->io_kind == 22 /* TimedOut */) return EAI_AGAIN;
  return EAI_FAIL;
}

static const char *const kind_names[] = {
  "IdsExhausted", "NotFound", "NotDirectory", "NotFile", "RemoteIO", "DnsLookup", "Remote",
  "PortAlreadyStolen", "NotImplemented", "Forbidden", "StripPrefix", "OpenLocal",
  "ForbiddenWithReason", "SystemFailure",
};

const char *remote_error_name(const struct remote_error *e, char *buf, size_t len) {
  const char *name = e->kind < sizeof kind_names / sizeof kind_names[0] ? kind_names[e->kind] : "Unknown";
  if (e->kind == RERR_REMOTE_IO && e->has_os_error) snprintf(buf, len, "%s(errno %d)", name, e->raw_os_error);
  else snprintf(buf, len, "%s", name);
  return buf;
}
