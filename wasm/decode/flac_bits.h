/* flac_bits.h — the MSB-first bit reader FLAC frames are parsed with. Bounded by the buffer:
 * running out of bits sets `err` (sticky) and returns zeros, so loops end quickly. */
#ifndef DEC_FLAC_BITS_H
#define DEC_FLAC_BITS_H

#include <stddef.h>
#include <stdint.h>

typedef struct dec_flac_bits {
  const uint8_t *p;
  size_t len;
  size_t pos;     /* next byte to load into the cache */
  uint64_t cache; /* the next n bits, left-aligned; bits below them are zero */
  int n;
  int err;
} dec_flac_bits;

static inline void fb_init(dec_flac_bits *b, const uint8_t *p, size_t len) {
  b->p = p;
  b->len = len;
  b->pos = 0;
  b->cache = 0;
  b->n = 0;
  b->err = 0;
}

static inline void fb_refill(dec_flac_bits *b) {
  while (b->n <= 56 && b->pos < b->len) {
    b->cache |= (uint64_t)b->p[b->pos++] << (56 - b->n);
    b->n += 8;
  }
}

static inline void fb_fail(dec_flac_bits *b) {
  b->err = 1;
  b->cache = 0;
  b->n = 0;
  b->pos = b->len;
}

/* nbits in 0..32, unsigned. */
static inline uint32_t fb_read(dec_flac_bits *b, int nbits) {
  if (nbits == 0)
    return 0;
  if (b->n < nbits) {
    fb_refill(b);
    if (b->n < nbits) {
      fb_fail(b);
      return 0;
    }
  }
  uint32_t v = (uint32_t)(b->cache >> (64 - nbits));
  b->cache <<= nbits;
  b->n -= nbits;
  return v;
}

/* nbits in 0..33, two's complement, sign-extended. */
static inline int64_t fb_read_signed(dec_flac_bits *b, int nbits) {
  if (nbits == 0)
    return 0;
  uint64_t v;
  if (nbits > 32) {
    v = (uint64_t)fb_read(b, nbits - 32) << 32;
    v |= fb_read(b, 32);
  } else {
    v = fb_read(b, nbits);
  }
  int sh = 64 - nbits;
  return (int64_t)(v << sh) >> sh;
}

/* Counts 0 bits up to the next 1 bit (consumed). More than `limit` zeros is an error. */
static inline uint32_t fb_unary(dec_flac_bits *b, uint32_t limit) {
  uint64_t count = 0;
  for (;;) {
    if (b->n == 0) {
      fb_refill(b);
      if (b->n == 0) {
        fb_fail(b);
        return 0;
      }
    }
    if (b->cache == 0) { /* all n cached bits are zero */
      count += (uint64_t)b->n;
      b->n = 0;
      if (count > limit) {
        fb_fail(b);
        return 0;
      }
      continue;
    }
    int z = __builtin_clzll(b->cache); /* < n: the set bit is a cached one */
    count += (uint64_t)z;
    b->cache <<= z;
    b->cache <<= 1;
    b->n -= z + 1;
    if (count > limit) {
      fb_fail(b);
      return 0;
    }
    return (uint32_t)count;
  }
}

/* Skips to the next byte boundary. */
static inline void fb_align(dec_flac_bits *b) { fb_read(b, b->n & 7); }

/* Bytes consumed so far (after fb_align this is exact). */
static inline size_t fb_byte_pos(const dec_flac_bits *b) { return b->pos - (size_t)(b->n >> 3); }

#endif
