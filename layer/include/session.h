/* The layer's intproxy session: opened at start-up and again in every forked child. */
#ifndef LAYER_SESSION_H
#define LAYER_SESSION_H

#include <stddef.h>

/** Opens the first session of this process image (parent_layer None). */
int session_start(int loaded, char *err, size_t err_len);

/** In a forked child: a new connection and NewSession{parent_layer: the parent's id}. */
void session_restart_in_child(void);

#endif
