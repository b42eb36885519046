/* See ifaddrs_filter.h. */
#include "ifaddrs_filter.h"

#include <stddef.h>
#include <sys/socket.h>

static int hidden(const struct ifaddrs *entry) {
  return entry->ifa_addr && entry->ifa_addr->sa_family == AF_INET6;
}

void ifaddrs_drop_ipv6(struct ifaddrs **list, void (*free_list)(struct ifaddrs *)) {
  struct ifaddrs *slot = *list, *last = NULL;
  for (struct ifaddrs *entry = *list; entry;) {
    struct ifaddrs *next = entry->ifa_next;
    if (!hidden(entry)) {
      /* slot is never after entry and not yet written, so its link is still the original one */
      struct ifaddrs *next_slot = slot->ifa_next;
      if (slot != entry) *slot = *entry;
      if (last) last->ifa_next = slot;
      last = slot;
      slot = next_slot;
    }
    entry = next;
  }
  if (last) {
    last->ifa_next = NULL;
  } else if (*list) {
    free_list(*list);
    *list = NULL;
  }
}
