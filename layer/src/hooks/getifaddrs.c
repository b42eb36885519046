/*
 * getifaddrs. Bypass: layer inactive or experimental.hide_ipv6_interfaces off. Otherwise the real
 * list without its IPv6 entries, for apps that pick an interface address and must not pick IPv6.
 */
#include "hook.h"
#include "ifaddrs_filter.h"

LAYER_EXPORT int getifaddrs(struct ifaddrs **list) {
  int rc = REAL(getifaddrs)(list);
  if (rc == 0 && layer_intercepts() && layer.config.hide_ipv6_interfaces) {
    ifaddrs_drop_ipv6(list, REAL(freeifaddrs));
  }
  return rc;
}
