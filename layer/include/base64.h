/* Base64 (RFC 4648) for MIRRORD_RESOLVED_CONFIG and the shared-socket hand-over across exec. */
#ifndef LAYER_BASE64_H
#define LAYER_BASE64_H

#include <stddef.h>

/**
 * Decodes standard or URL-safe base64, padded or not, ignoring whitespace. Returns a malloc'd,
 * NUL-terminated buffer (length in *out_len) or NULL on an invalid character.
 */
char *base64_decode(const char *text, size_t *out_len);

/** Encodes with the standard alphabet and padding; malloc'd, NUL-terminated. */
char *base64_encode(const void *data, size_t len);

#endif
