/* bytes.h — a bounded reader over a byte buffer.
 * Every read checks the remaining length first. Reading or skipping past the end puts the
 * reader into a sticky error state (err = 1), returns 0 and leaves the position unchanged;
 * callers check `err` once after a run of reads. Nothing here can read outside [p, p+len). */
#ifndef DEC_BYTES_H
#define DEC_BYTES_H

#include <stddef.h>
#include <stdint.h>

typedef struct dec_bytes {
  const uint8_t *p;
  size_t len;
  size_t pos;
  int err;
} dec_bytes;

static inline void dec_bytes_init(dec_bytes *b, const uint8_t *p, size_t len) {
  b->p = p;
  b->len = p ? len : 0;
  b->pos = 0;
  b->err = 0;
}

static inline size_t dec_bytes_left(const dec_bytes *b) { return b->len - b->pos; }

/* 1 when n more bytes are there; otherwise sets err and returns 0. */
static inline int dec_bytes_need(dec_bytes *b, size_t n) {
  if (b->err || b->len - b->pos < n) {
    b->err = 1;
    return 0;
  }
  return 1;
}

/* Pointer to the next n bytes (and skip them), or NULL (err set) when fewer are left. */
static inline const uint8_t *dec_bytes_take(dec_bytes *b, size_t n) {
  if (!dec_bytes_need(b, n))
    return NULL;
  const uint8_t *q = b->p + b->pos;
  b->pos += n;
  return q;
}

static inline int dec_bytes_skip(dec_bytes *b, size_t n) { return dec_bytes_take(b, n) != NULL; }

/* Move to an absolute offset; past the end is an error. */
static inline int dec_bytes_seek(dec_bytes *b, size_t pos) {
  if (b->err || pos > b->len) {
    b->err = 1;
    return 0;
  }
  b->pos = pos;
  return 1;
}

static inline uint64_t dec_get_le(const uint8_t *q, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--)
    v = (v << 8) | q[i];
  return v;
}

static inline uint64_t dec_get_be(const uint8_t *q, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++)
    v = (v << 8) | q[i];
  return v;
}

static inline uint64_t dec_bytes_le(dec_bytes *b, int n) {
  const uint8_t *q = dec_bytes_take(b, (size_t)n);
  return q ? dec_get_le(q, n) : 0;
}

static inline uint64_t dec_bytes_be(dec_bytes *b, int n) {
  const uint8_t *q = dec_bytes_take(b, (size_t)n);
  return q ? dec_get_be(q, n) : 0;
}

static inline uint16_t dec_bytes_u16le(dec_bytes *b) { return (uint16_t)dec_bytes_le(b, 2); }
static inline uint16_t dec_bytes_u16be(dec_bytes *b) { return (uint16_t)dec_bytes_be(b, 2); }
static inline uint32_t dec_bytes_u32le(dec_bytes *b) { return (uint32_t)dec_bytes_le(b, 4); }
static inline uint32_t dec_bytes_u32be(dec_bytes *b) { return (uint32_t)dec_bytes_be(b, 4); }
static inline uint64_t dec_bytes_u64le(dec_bytes *b) { return dec_bytes_le(b, 8); }
static inline uint64_t dec_bytes_u64be(dec_bytes *b) { return dec_bytes_be(b, 8); }

#endif
