/* Filtering a getifaddrs() list in place (experimental.hide_ipv6_interfaces). */
#ifndef LAYER_IFADDRS_FILTER_H
#define LAYER_IFADDRS_FILTER_H

#include <ifaddrs.h>

/**
 * Removes the IPv6 entries of *list. glibc allocates the list as one block that freeifaddrs()
 * frees through the first entry, so the first entry stays where it is: kept entries are moved
 * forward into the earliest slots instead of being unlinked. When nothing is left, the block is
 * given to free_list and *list becomes NULL.
 */
void ifaddrs_drop_ipv6(struct ifaddrs **list, void (*free_list)(struct ifaddrs *));

#endif
