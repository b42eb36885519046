/* See stat_convert.h. */
#include "stat_convert.h"

#include <string.h>
#include <sys/sysmacros.h>

#define NSEC_PER_SEC 1000000000LL

static void split_time(int64_t v, struct timespec *ts) {
  ts->tv_sec = (time_t)(v / NSEC_PER_SEC);
  ts->tv_nsec = (long)(v % NSEC_PER_SEC);
  if (ts->tv_nsec < 0) {
    ts->tv_nsec += NSEC_PER_SEC;
    ts->tv_sec -= 1;
  }
}

#define FILL_STAT(st, m)                                   \
  do {                                                     \
    memset((st), 0, sizeof *(st));                         \
    (st)->st_dev = (m)->device_id;                         \
    (st)->st_ino = (m)->inode;                             \
    (st)->st_mode = (m)->mode;                             \
    (st)->st_nlink = (m)->hard_links;                      \
    (st)->st_uid = (m)->user_id;                           \
    (st)->st_gid = (m)->group_id;                          \
    (st)->st_rdev = (m)->rdevice_id;                       \
    (st)->st_size = (off_t)(m)->size;                      \
    (st)->st_blksize = (blksize_t)(m)->block_size;         \
    (st)->st_blocks = (blkcnt_t)(m)->blocks;               \
    split_time((m)->access_time, &(st)->st_atim);          \
    split_time((m)->modification_time, &(st)->st_mtim);    \
    split_time((m)->creation_time, &(st)->st_ctim);        \
  } while (0)

void metadata_to_stat(const struct remote_metadata *m, struct stat *st) { FILL_STAT(st, m); }
void metadata_to_stat64(const struct remote_metadata *m, struct stat64 *st) { FILL_STAT(st, m); }

static void to_statx_time(int64_t v, struct statx_timestamp *t) {
  struct timespec ts;
  split_time(v, &ts);
  t->tv_sec = ts.tv_sec;
  t->tv_nsec = (uint32_t)ts.tv_nsec;
}

void metadata_to_statx(const struct remote_metadata *m, unsigned int mask, struct statx *stx) {
  (void)mask;
  memset(stx, 0, sizeof *stx);
  stx->stx_mask = STATX_BASIC_STATS;
  stx->stx_blksize = (uint32_t)m->block_size;
  stx->stx_nlink = (uint32_t)m->hard_links;
  stx->stx_uid = m->user_id;
  stx->stx_gid = m->group_id;
  stx->stx_mode = (uint16_t)m->mode;
  stx->stx_ino = m->inode;
  stx->stx_size = m->size;
  stx->stx_blocks = m->blocks;
  to_statx_time(m->access_time, &stx->stx_atime);
  to_statx_time(m->modification_time, &stx->stx_mtime);
  to_statx_time(m->creation_time, &stx->stx_ctime);
  stx->stx_rdev_major = major(m->rdevice_id);
  stx->stx_rdev_minor = minor(m->rdevice_id);
  stx->stx_dev_major = major(m->device_id);
  stx->stx_dev_minor = minor(m->device_id);
}

#define FILL_STATFS(st, m)                                     \
  do {                                                         \
    memset((st), 0, sizeof *(st));                             \
    (st)->f_type = (m)->filesystem_type;                       \
    (st)->f_bsize = (m)->block_size;                           \
    (st)->f_blocks = (m)->blocks;                              \
    (st)->f_bfree = (m)->blocks_free;                          \
    (st)->f_bavail = (m)->blocks_available;                    \
    (st)->f_files = (m)->files;                                \
    (st)->f_ffree = (m)->files_free;                           \
    memcpy(&(st)->f_fsid, (m)->filesystem_id, sizeof(st)->f_fsid); \
    (st)->f_namelen = (m)->name_len;                           \
    (st)->f_frsize = (m)->fragment_size;                       \
    (st)->f_flags = (m)->flags;                                \
  } while (0)

void fs_metadata_to_statfs(const struct remote_fs_metadata *m, struct statfs *st) { FILL_STATFS(st, m); }
void fs_metadata_to_statfs64(const struct remote_fs_metadata *m, struct statfs64 *st) { FILL_STATFS(st, m); }

#define FILL_STATVFS(st, m)                                                        \
  do {                                                                             \
    memset((st), 0, sizeof *(st));                                                 \
    (st)->f_bsize = (unsigned long)(m)->block_size;                                \
    (st)->f_frsize = (unsigned long)((m)->fragment_size ? (m)->fragment_size : (m)->block_size); \
    (st)->f_blocks = (m)->blocks;                                                  \
    (st)->f_bfree = (m)->blocks_free;                                              \
    (st)->f_bavail = (m)->blocks_available;                                        \
    (st)->f_files = (m)->files;                                                    \
    (st)->f_ffree = (m)->files_free;                                               \
    (st)->f_favail = (m)->files_free;                                              \
    (st)->f_fsid = (unsigned long)(uint32_t)(m)->filesystem_id[0] |                \
                   ((unsigned long)(uint32_t)(m)->filesystem_id[1] << 32);         \
    (st)->f_flag = (unsigned long)(m)->flags;                                      \
    (st)->f_namemax = (unsigned long)(m)->name_len;                                \
  } while (0)

void fs_metadata_to_statvfs(const struct remote_fs_metadata *m, struct statvfs *st) { FILL_STATVFS(st, m); }
void fs_metadata_to_statvfs64(const struct remote_fs_metadata *m, struct statvfs64 *st) { FILL_STATVFS(st, m); }
