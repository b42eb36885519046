/* See remote_hostname.h. */
#include "remote_hostname.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>

#include "fd_table.h"
#include "fs_route.h"
#include "real.h"
#include "remote_file.h"

#define HOSTNAME_MAX 256

static pthread_mutex_t hostname_lock = PTHREAD_MUTEX_INITIALIZER;
static char cached[HOSTNAME_MAX + 1];
static int have_cached;

static int fetch(void) {
  struct routed_path rp = {.route = ROUTE_REMOTE};
  strcpy(rp.path, "/etc/hostname");
  int open_locally;
  int fd = remote_open(&rp, O_RDONLY | O_CLOEXEC, &open_locally);
  if (open_locally) return -ENOENT;
  if (fd < 0) return fd;
  char buf[HOSTNAME_MAX + 1];
  ssize_t n = remote_read(fd, buf, HOSTNAME_MAX);
  fd_table_close(fd, REAL(close));
  if (n < 0) return (int)n;
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ')) n--;
  memcpy(cached, buf, (size_t)n);
  cached[n] = 0;
  have_cached = 1;
  return 0;
}

int remote_hostname(char *out, size_t len) {
  pthread_mutex_lock(&hostname_lock);
  int rc = have_cached ? 0 : fetch();
  pthread_mutex_unlock(&hostname_lock);
  if (rc < 0) return rc;
  size_t n = strlen(cached);
  if (n + 1 > len) {
    /* glibc copies what fits, then reports the truncation */
    if (len) {
      memcpy(out, cached, len);
    }
    return -ENAMETOOLONG;
  }
  memcpy(out, cached, n + 1);
  return 0;
}
