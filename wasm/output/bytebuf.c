/* bytebuf.c — the growable byte buffer of the encoders (see bytebuf.h). */
#include "output/bytebuf.h"

#include <stdlib.h>
#include <string.h>

void out_bytebuf_append(out_bytebuf *b, const void *data, size_t n) {
  if (b->failed || n == 0)
    return;
  if (n > SIZE_MAX - b->len) {
    b->failed = 1;
    return;
  }
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) {
      if (cap > SIZE_MAX / 2) {
        b->failed = 1;
        return;
      }
      cap *= 2;
    }
    uint8_t *p = realloc(b->data, cap);
    if (!p) {
      b->failed = 1;
      return;
    }
    b->data = p;
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, n);
  b->len += n;
}
