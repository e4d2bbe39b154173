/* flac_subframe.h — decoding of one FLAC subframe (RFC 9639 section 9.2): CONSTANT, VERBATIM,
 * FIXED and LPC predictors, Rice-coded residual partitions with escapes, wasted bits. */
#ifndef DEC_FLAC_SUBFRAME_H
#define DEC_FLAC_SUBFRAME_H

#include <stddef.h>
#include <stdint.h>

#include "flac_bits.h"

enum { DEC_SUB_OK = 0, DEC_SUB_BAD = 1, DEC_SUB_SHORT = 2 };

/* Decodes `n` samples of bit depth `bps` (1..33; 33 for the side channel of 32-bit audio) into
 * s. Returns DEC_SUB_OK, DEC_SUB_BAD with a reason in why (whylen bytes), or DEC_SUB_SHORT when
 * the buffer ended first. Arithmetic is 64-bit and wraps on corrupt input instead of
 * overflowing. */
int dec_flac_subframe(dec_flac_bits *b, int64_t *s, int n, int bps, char *why, size_t whylen);

#endif
