/* flac_subframe.c — one FLAC subframe (see flac_subframe.h), written from RFC 9639. */
#include "flac_subframe.h"

#include <stdio.h>

#define WHY(...) (snprintf(why, whylen, __VA_ARGS__), DEC_SUB_BAD)

/* Residual (RFC 9639 9.2.7) for samples s[order..n); returns DEC_SUB_*. */
static int residual(dec_flac_bits *b, int64_t *s, int n, int order, char *why, size_t whylen) {
  uint32_t method = fb_read(b, 2);
  uint32_t porder = fb_read(b, 4);
  if (b->err)
    return DEC_SUB_SHORT;
  if (method > 1)
    return WHY("reserved residual coding method %u", (unsigned)method);
  int pbits = method ? 5 : 4;
  uint32_t escape = method ? 31u : 15u;
  int parts = 1 << porder;
  int psize = n >> porder;
  if (psize * parts != n)
    return WHY("block of %d samples has no %d equal partitions", n, parts);
  if (psize < order)
    return WHY("partition of %d samples is shorter than the predictor order %d", psize, order);
  int64_t *o = s + order;
  for (int p = 0; p < parts; p++) {
    int cnt = p == 0 ? psize - order : psize;
    uint32_t param = fb_read(b, pbits);
    if (param == escape) {
      int nb = (int)fb_read(b, 5);
      for (int k = 0; k < cnt; k++)
        o[k] = fb_read_signed(b, nb);
    } else {
      /* the folded residual must fit in 32 bits (RFC 9639: residuals are 32-bit signed) */
      uint32_t limit = 0xFFFFFFFFu >> param;
      for (int k = 0; k < cnt; k++) {
        uint32_t q = fb_unary(b, limit);
        uint32_t lo = fb_read(b, (int)param);
        uint64_t u = ((uint64_t)q << param) | lo;
        o[k] = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
      }
    }
    if (b->err)
      return DEC_SUB_SHORT;
    o += cnt;
  }
  return DEC_SUB_OK;
}

static void fixed_restore(int64_t *s, int n, int order) {
  /* unsigned arithmetic: wraps on corrupt input instead of overflowing */
  uint64_t *u = (uint64_t *)(void *)s;
  switch (order) {
  case 1:
    for (int i = 1; i < n; i++)
      u[i] += u[i - 1];
    break;
  case 2:
    for (int i = 2; i < n; i++)
      u[i] += 2 * u[i - 1] - u[i - 2];
    break;
  case 3:
    for (int i = 3; i < n; i++)
      u[i] += 3 * u[i - 1] - 3 * u[i - 2] + u[i - 3];
    break;
  case 4:
    for (int i = 4; i < n; i++)
      u[i] += 4 * u[i - 1] - 6 * u[i - 2] + 4 * u[i - 3] - u[i - 4];
    break;
  default: break;
  }
}

static void lpc_restore(int64_t *s, int n, const int64_t *coef, int order, int shift) {
  uint64_t *u = (uint64_t *)(void *)s;
  for (int i = order; i < n; i++) {
    uint64_t sum = 0;
    for (int j = 0; j < order; j++)
      sum += (uint64_t)coef[j] * u[i - 1 - j];
    u[i] += (uint64_t)((int64_t)sum >> shift);
  }
}

int dec_flac_subframe(dec_flac_bits *b, int64_t *s, int n, int bps, char *why, size_t whylen) {
  uint32_t hdr = fb_read(b, 8);
  if (b->err)
    return DEC_SUB_SHORT;
  if (hdr & 0x80)
    return WHY("subframe padding bit is set");
  int type = (int)(hdr >> 1) & 0x3F;
  int wasted = 0;
  if (hdr & 1) {
    wasted = (int)fb_unary(b, 40) + 1;
    if (b->err)
      return DEC_SUB_SHORT;
    if (wasted >= bps)
      return WHY("%d wasted bits in a %d-bit subframe", wasted, bps);
  }
  int ebps = bps - wasted;
  int rc = DEC_SUB_OK;

  if (type == 0) { /* CONSTANT */
    int64_t v = fb_read_signed(b, ebps);
    if (b->err)
      return DEC_SUB_SHORT;
    for (int i = 0; i < n; i++)
      s[i] = v;
  } else if (type == 1) { /* VERBATIM */
    for (int i = 0; i < n; i++)
      s[i] = fb_read_signed(b, ebps);
    if (b->err)
      return DEC_SUB_SHORT;
  } else if (type >= 8 && type <= 12) { /* FIXED, order 0..4 */
    int order = type - 8;
    if (order > n)
      return WHY("fixed predictor order %d exceeds block size %d", order, n);
    for (int i = 0; i < order; i++)
      s[i] = fb_read_signed(b, ebps);
    if (b->err)
      return DEC_SUB_SHORT;
    rc = residual(b, s, n, order, why, whylen);
    if (rc != DEC_SUB_OK)
      return rc;
    fixed_restore(s, n, order);
  } else if (type >= 32) { /* LPC, order 1..32 */
    int order = type - 31;
    if (order > n)
      return WHY("LPC order %d exceeds block size %d", order, n);
    for (int i = 0; i < order; i++)
      s[i] = fb_read_signed(b, ebps);
    uint32_t prec = fb_read(b, 4);
    int shift = (int)fb_read_signed(b, 5);
    if (b->err)
      return DEC_SUB_SHORT;
    if (prec == 15)
      return WHY("invalid LPC coefficient precision");
    if (shift < 0)
      return WHY("negative LPC shift %d", shift);
    int64_t coef[32];
    for (int j = 0; j < order; j++)
      coef[j] = fb_read_signed(b, (int)prec + 1);
    if (b->err)
      return DEC_SUB_SHORT;
    rc = residual(b, s, n, order, why, whylen);
    if (rc != DEC_SUB_OK)
      return rc;
    lpc_restore(s, n, coef, order, shift);
  } else {
    return WHY("reserved subframe type %d", type);
  }

  if (wasted) {
    uint64_t *u = (uint64_t *)(void *)s;
    for (int i = 0; i < n; i++)
      u[i] <<= wasted;
  }
  return DEC_SUB_OK;
}
