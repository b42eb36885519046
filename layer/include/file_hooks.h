/* Entry points shared between hook files (stdio and directory hooks reuse open/read/close). */
#ifndef LAYER_FILE_HOOKS_H
#define LAYER_FILE_HOOKS_H

#include <sys/types.h>

enum open_variant { OPEN, OPEN64, OPENAT, OPENAT64 };

/** open/openat as the hooks implement them (returns -1 + errno on failure). */
int layer_open(enum open_variant v, int dirfd, const char *path, int flags, mode_t mode);

/** read/write/lseek/close on an fd, remote or not (libc convention). */
ssize_t layer_read(int fd, void *buf, size_t count);
ssize_t layer_write(int fd, const void *buf, size_t count);
off64_t layer_lseek(int fd, off64_t offset, int whence);
int layer_close(int fd);

#endif
