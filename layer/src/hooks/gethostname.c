/*
 * gethostname. Bypass: layer inactive, feature.hostname off, or the target's /etc/hostname
 * cannot be read (then the local name is returned, logged at debug level). Remote: the target's
 * /etc/hostname (read once through the agent, trailing newline trimmed).
 * Error: ENAMETOOLONG when the buffer is too small (what fits is copied, as glibc does).
 */
#include "hook.h"
#include "log.h"
#include "remote_hostname.h"

LAYER_EXPORT int gethostname(char *name, size_t len) {
  if (!layer_intercepts() || !layer.config.hostname) return REAL(gethostname)(name, len);
  int saved = guard_enter();
  int rc = remote_hostname(name, len);
  guard_leave(saved);
  if (rc == -ENAMETOOLONG) return (int)errno_result(rc);
  if (rc < 0) {
    LOG_DBG("cannot read the target's host name (errno %d); using the local one", -rc);
    return REAL(gethostname)(name, len);
  }
  return 0;
}
