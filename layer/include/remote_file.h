/*
 * File operations carried out by the agent through the intproxy (protocol.md §3.9). Each returns
 * a non-negative result or -errno, never touching the caller's errno; hooks turn that into libc's
 * "-1 and errno" convention.
 */
#ifndef LAYER_REMOTE_FILE_H
#define LAYER_REMOTE_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "codec.h"
#include "fs_route.h"
#include "intproxy_conn.h"

/** Marker for "the agent does not implement this": callers fall back to the local call. */
#define REMOTE_NOT_IMPLEMENTED (-10000)

/**
 * Sends a File request and checks the response: File(<expected>) with Ok. Returns 0 with resp->r
 * positioned at the Ok payload, or -errno (REMOTE_NOT_IMPLEMENTED for NotImplemented). Any
 * File(...) variant carrying Err is accepted (protocol.md §6 trap 14). The request is freed.
 */
int remote_file_call(struct wbuf *request, uint32_t expected, struct conn_response *resp);

/** open/openat for a routed path; returns the local placeholder fd or -errno. OpenLocal -> 1
    in *open_locally (the caller then opens locally). */
int remote_open(const struct routed_path *rp, int flags, int *open_locally);

ssize_t remote_read(int fd, void *buf, size_t count);
ssize_t remote_pread(int fd, void *buf, size_t count, uint64_t offset);
ssize_t remote_write(int fd, const void *buf, size_t count);
ssize_t remote_pwrite(int fd, const void *buf, size_t count, uint64_t offset);
int64_t remote_lseek(int fd, int64_t offset, int whence);
int remote_ftruncate(int fd, int64_t length);
int remote_futimens(int fd, const int64_t (*times)[2]);
int remote_fchown(int fd, uint32_t owner, uint32_t group);
int remote_fchmod(int fd, uint32_t mode);

/** Metadata of a routed path (follow_symlink as stat/lstat) or of a remote fd. */
int remote_stat_path(const struct routed_path *rp, int follow_symlink, struct remote_metadata *m);
int remote_stat_fd(uint64_t remote_fd, struct remote_metadata *m);

int remote_statfs_path(const char *path, struct remote_fs_metadata *m);
int remote_statfs_fd(uint64_t remote_fd, struct remote_fs_metadata *m);

int remote_access(const char *path, int mode);
ssize_t remote_readlink(const char *path, char *buf, size_t size);
int remote_mkdir(const struct routed_path *rp, mode_t mode);
int remote_rmdir(const char *path);
/** unlink (at = 0) or unlinkat (at = 1: UnlinkAt, dirfd None unless relative to a remote dir). */
int remote_unlink(const struct routed_path *rp, int at, int flags);
int remote_rename(const char *old_path, const char *new_path);

/** Largest read the layer asks for in one request (1 MiB, as mirrord). */
#define REMOTE_READ_MAX (1024 * 1024)

#endif
