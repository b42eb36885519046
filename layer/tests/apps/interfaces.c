/*
 * Network interfaces.
 *   interfaces list   prints "<name> <family>" per getifaddrs() entry with an address, then
 *                     frees the list (so a broken list crashes here)
 */
#define _GNU_SOURCE
#include <ifaddrs.h>
#include <string.h>
#include <sys/socket.h>

#include "scenario.h"

int run_case(FILE *out, int argc, char **argv) {
  if (argc < 1 || strcmp(argv[0], "list") != 0) return 2;
  struct ifaddrs *list;
  if (getifaddrs(&list) < 0) return report_errno(out, "getifaddrs");
  for (struct ifaddrs *entry = list; entry; entry = entry->ifa_next) {
    if (!entry->ifa_addr) continue;
    int family = entry->ifa_addr->sa_family;
    const char *name = family == AF_INET ? "inet" : family == AF_INET6 ? "inet6" : "other";
    fprintf(out, "%s %s\n", entry->ifa_name, name);
  }
  freeifaddrs(list);
  return 0;
}
