/* Shared by the unit driver's command files (unit_driver.c, unit_incoming.c). */
#ifndef LAYER_UNIT_DRIVER_H
#define LAYER_UNIT_DRIVER_H

#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>

/** Reads a whole stream into a NUL-terminated malloc'd buffer. */
char *read_all(FILE *f, size_t *len);

/** Prints a JSON string (or null). */
void json_cstr(const char *s);

/** Prints {"error": err} on its own line. */
void print_error(const char *err);

/** "1.2.3.4" / "::1" / "unix:/p" / "abstract:n" and a port text into ss; 0, or -1 if unparsable. */
int parse_sockaddr(const char *ip, const char *port, struct sockaddr_storage *ss, socklen_t *len);

/** Hex text into out (at most cap bytes); returns the byte count. */
size_t parse_hex(const char *hex, uint8_t *out, size_t cap);

/** `layer_unit incoming ...` (unit_incoming.c). */
int cmd_incoming(int argc, char **argv);

#endif
