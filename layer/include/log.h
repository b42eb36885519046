/*
 * The layer's logger. Writes "[layer] LEVEL pid: message" lines with raw syscalls (never stdio,
 * never stdout, never a hooked function) to stderr or to MIRRORD_LAYER_LOG_PATH. The level comes
 * from MIRRORD_LOG (a RUST_LOG-style filter; the most verbose level word found wins), default warn.
 */
#ifndef LAYER_LOG_H
#define LAYER_LOG_H

enum log_level { LOG_ERROR = 1, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG_TRACE };

/** Reads MIRRORD_LOG and MIRRORD_LAYER_LOG_PATH; safe to call again (after fork/exec). */
void log_init(void);

/** Whether a message at this level would be written. */
int log_enabled(enum log_level level);

/** Formats into a stack buffer (no allocation) and writes one line. */
void layer_log(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define LOG_ERR(...) layer_log(LOG_ERROR, __VA_ARGS__)
#define LOG_WRN(...) layer_log(LOG_WARN, __VA_ARGS__)
#define LOG_INF(...) layer_log(LOG_INFO, __VA_ARGS__)
#define LOG_DBG(...) \
  do { if (log_enabled(LOG_DEBUG)) layer_log(LOG_DEBUG, __VA_ARGS__); } while (0)
#define LOG_TRC(...) \
  do { if (log_enabled(LOG_TRACE)) layer_log(LOG_TRACE, __VA_ARGS__); } while (0)

#endif
