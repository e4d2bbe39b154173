/* bytebuf.h — a growable byte buffer for encoders that write through a callback. */
#ifndef OUT_BYTEBUF_H
#define OUT_BYTEBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint8_t *data;
  size_t len, cap;
  int failed; /* set once an allocation failed; later appends are ignored */
} out_bytebuf;

void out_bytebuf_append(out_bytebuf *b, const void *data, size_t n);

#endif
