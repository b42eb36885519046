/* See base64.h. */
#include "base64.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

char *base64_decode(const char *text, size_t *out_len) {
  size_t len = strlen(text);
  char *out = malloc(len / 4 * 3 + 4);
  if (!out) return NULL;
  uint32_t acc = 0;
  int bits = 0;
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (c == '=' ) break;
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    int v = value_of(c);
    if (v < 0) {
      free(out);
      return NULL;
    }
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (char)((acc >> bits) & 0xFF);
    }
  }
  out[n] = 0;
  if (out_len) *out_len = n;
  return out;
}

char *base64_encode(const void *data, size_t len) {
  const unsigned char *in = data;
  char *out = malloc((len + 2) / 3 * 4 + 1);
  if (!out) return NULL;
  size_t n = 0;
  for (size_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < len) v |= (uint32_t)in[i + 1] << 8;
    if (i + 2 < len) v |= in[i + 2];
    out[n++] = alphabet[(v >> 18) & 63];
    out[n++] = alphabet[(v >> 12) & 63];
    out[n++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
    out[n++] = i + 2 < len ? alphabet[v & 63] : '=';
  }
  out[n] = 0;
  return out;
}
