/* Shared by the unit driver's command files (unit_driver.c, unit_incoming.c). */
#ifndef LAYER_UNIT_DRIVER_H
#define LAYER_UNIT_DRIVER_H

#include <stdio.h>

/** Reads a whole stream into a NUL-terminated malloc'd buffer. */
char *read_all(FILE *f, size_t *len);

/** Prints a JSON string (or null). */
void json_cstr(const char *s);

/** Prints {"error": err} on its own line. */
void print_error(const char *err);

/** `layer_unit incoming ...` (unit_incoming.c). */
int cmd_incoming(int argc, char **argv);

#endif
