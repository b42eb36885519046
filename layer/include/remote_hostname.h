/* The target's host name (feature.hostname): the remote /etc/hostname, read once and cached. */
#ifndef LAYER_REMOTE_HOSTNAME_H
#define LAYER_REMOTE_HOSTNAME_H

#include <stddef.h>

/** Copies the remote host name into out; returns 0, -ENAMETOOLONG, or another -errno. */
int remote_hostname(char *out, size_t len);

#endif
