/*
 * Directory streams opened on the agent (how-it-works.md §5.4): opendir/fdopendir return a
 * layer-owned DIR* (from a fixed pool, recognised by address) whose entries come from ReadDir
 * requests; getdents64 on a remote directory fd uses GetDEnts64.
 */
#ifndef LAYER_REMOTE_DIR_H
#define LAYER_REMOTE_DIR_H

#include <dirent.h>
#include <sys/types.h>

#include "fs_route.h"

/** Opens a remote directory by path; returns the stream or NULL with *err = errno. */
DIR *remote_opendir(const struct routed_path *rp, int *err);

/** Wraps a remote file fd; the stream owns the fd afterwards. */
DIR *remote_fdopendir(int fd, int *err);

/** Whether this DIR* is one of the layer's. */
int remote_dir_owns(const DIR *dir);

/** Next entry, or NULL at the end (*err = 0) or on error (*err = errno). */
struct dirent64 *remote_readdir64(DIR *dir, int *err);
struct dirent *remote_readdir(DIR *dir, int *err);

/** Closes the stream (CloseDir, then the owning fd). */
int remote_closedir(DIR *dir);

int remote_dirfd(DIR *dir);

/** Restarts the listing (a fresh FdOpenDir on the same remote fd). */
void remote_rewinddir(DIR *dir);

/** Position cookie of the last entry returned. */
long remote_telldir(DIR *dir);

/** getdents64 on a remote directory fd: linux_dirent64 records into buf; bytes or -errno. */
ssize_t remote_getdents64(int fd, void *buf, size_t size);

#endif
