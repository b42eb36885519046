/*
 * The one place where remote errors become errno / getaddrinfo codes (how-it-works.md §5.4):
 * RemoteIO -> its raw errno (else by kind), NotFound/OpenLocal -> ENOENT, NotDirectory ->
 * ENOTDIR, NotFile -> EISDIR, IdsExhausted -> ENOMEM, connect timeout -> ENETUNREACH,
 * SystemFailure -> EIO, Forbidden -> EACCES, anything else (NotImplemented, PortAlreadyStolen,
 * other remote errors) -> EINVAL.
 */
#ifndef LAYER_ERRNO_MAP_H
#define LAYER_ERRNO_MAP_H

#include <stddef.h>

#include "codec.h"

int remote_error_errno(const struct remote_error *e);

/** EAI_AGAIN for a timeout, EAI_NONAME when there are no records, else EAI_FAIL. */
int remote_error_eai(const struct remote_error *e);

/** Short text for logs, e.g. "RemoteIO(errno 2)". */
const char *remote_error_name(const struct remote_error *e, char *buf, size_t len);

#endif
