/* See dns_cache.h. A fixed ring: the oldest names are forgotten first. */
#include "dns_cache.h"

#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define CACHE_SIZE 512

struct cache_entry {
  int family;
  unsigned char addr[16];
  char hostname[256];
};

static struct cache_entry cache[CACHE_SIZE];
static unsigned next_slot;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static int key_of(const struct sockaddr *sa, int *family, unsigned char addr[16]) {
  memset(addr, 0, 16);
  if (sa->sa_family == AF_INET) {
    *family = AF_INET;
    memcpy(addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    return 1;
  }
  if (sa->sa_family == AF_INET6) {
    *family = AF_INET6;
    memcpy(addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
    return 1;
  }
  return 0;
}

void dns_cache_record(const struct sockaddr *ip, const char *hostname) {
  int family;
  unsigned char addr[16];
  if (!key_of(ip, &family, addr)) return;
  pthread_mutex_lock(&cache_lock);
  struct cache_entry *slot = NULL;
  for (int i = 0; i < CACHE_SIZE && !slot; i++)
    if (cache[i].family == family && !memcmp(cache[i].addr, addr, 16)) slot = &cache[i];
  if (!slot) slot = &cache[next_slot++ % CACHE_SIZE];
  slot->family = family;
  memcpy(slot->addr, addr, 16);
  snprintf(slot->hostname, sizeof slot->hostname, "%s", hostname);
  pthread_mutex_unlock(&cache_lock);
}

int dns_cache_lookup(const struct sockaddr *ip, char *out, size_t out_len) {
  int family;
  unsigned char addr[16];
  if (!key_of(ip, &family, addr)) return 0;
  int found = 0;
  pthread_mutex_lock(&cache_lock);
  for (int i = 0; i < CACHE_SIZE && !found; i++)
    if (cache[i].family == family && !memcmp(cache[i].addr, addr, 16)) {
      snprintf(out, out_len, "%s", cache[i].hostname);
      found = 1;
    }
  pthread_mutex_unlock(&cache_lock);
  return found;
}
