/*
 * The agent's metadata in the caller's struct layouts. Times: MetadataInternal carries one
 * number per time, read as nanoseconds since the epoch (seconds = v / 10^9, nanoseconds =
 * v % 10^9); an agent that only sends the sub-second part yields 1970 dates with the right
 * nanoseconds (protocol.md §6 trap 23).
 */
#ifndef LAYER_STAT_CONVERT_H
#define LAYER_STAT_CONVERT_H

#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include "codec.h"

void metadata_to_stat(const struct remote_metadata *m, struct stat *st);
void metadata_to_stat64(const struct remote_metadata *m, struct stat64 *st);
void metadata_to_statx(const struct remote_metadata *m, unsigned int mask, struct statx *stx);
void fs_metadata_to_statfs(const struct remote_fs_metadata *m, struct statfs *st);
void fs_metadata_to_statfs64(const struct remote_fs_metadata *m, struct statfs64 *st);
void fs_metadata_to_statvfs(const struct remote_fs_metadata *m, struct statvfs *st);
void fs_metadata_to_statvfs64(const struct remote_fs_metadata *m, struct statvfs64 *st);

#endif
