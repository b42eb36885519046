/*
 * Harness shared by the layer's test apps. Each app implements run_case(); the harness runs it
 * in the mode named by SCENARIO_MODE:
 *   direct  once, in main
 *   threads SCENARIO_THREADS (default 8) threads at once; each thread's output is printed
 *           after "[tN rc=R]"
 *   fork    in a forked child (the parent prints "[parent] child exit R")
 *   exec    after re-executing itself with SCENARIO_MODE=direct
 *   ctor    from the constructor of libscenario_ctor.so (a DT_NEEDED library whose constructor
 *           runs before the layer's), then exits
 */
#ifndef SCENARIO_H
#define SCENARIO_H

#include <stdio.h>

/** Runs the app's operation argv[0] with its arguments; prints results to out; 0 on success. */
int run_case(FILE *out, int argc, char **argv);

/** Prints "error: <errno name>" for the current errno and returns 1. */
int report_errno(FILE *out, const char *what);

struct sockaddr_storage;

/** Fills ss with IP (v4 or v6 text) and port; returns the address length. */
unsigned sockaddr_parse(const char *ip, int port, struct sockaddr_storage *ss);

/** "ip:port" of an IPv4/IPv6 address into buf. */
const char *sockaddr_show(const struct sockaddr_storage *ss, char *buf, unsigned long len);

#endif
