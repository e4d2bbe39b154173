/* flac_write.c — FLAC encoding of the spriteclip (sonomap.h: sm_flac_encode): 16-bit mono,
 * fixed-size blocks of 4096 samples, each coded with the best fixed predictor (order 0..4) and
 * partitioned Rice residuals, or verbatim when that is shorter; STREAMINFO with the MD5 of the
 * samples. Written from the format specification (RFC 9639). */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "decode/flac_crc.h"
#include "decode/md5.h"
#include "output/bytebuf.h"
#include "sonomap.h"

#define BLOCK 4096
#define MAX_PORDER 8

typedef struct {
  out_bytebuf *out;
  uint64_t acc; /* pending bits, most significant first */
  int nacc;
} bitw;

static void put_bits(bitw *w, uint32_t v, int n) {
  /* n <= 32 */
  for (int left = n; left > 0;) {
    int take = left > 24 ? 24 : left;
    left -= take;
    w->acc = (w->acc << take) | ((v >> left) & ((1u << take) - 1u));
    w->nacc += take;
    while (w->nacc >= 8) {
      uint8_t byte = (uint8_t)(w->acc >> (w->nacc - 8));
      out_bytebuf_append(w->out, &byte, 1);
      w->nacc -= 8;
    }
  }
}

static void put_signed(bitw *w, int32_t v, int n) {
  put_bits(w, (uint32_t)v & (n == 32 ? 0xFFFFFFFFu : ((1u << n) - 1u)), n);
}

static void flush_byte(bitw *w) {
  if (w->nacc)
    put_bits(w, 0, 8 - w->nacc);
}

static void put_unary_rice(bitw *w, int32_t r, int k) {
  uint32_t u = ((uint32_t)r << 1) ^ (uint32_t)(r >> 31); /* zig-zag */
  uint32_t q = u >> k;
  while (q >= 24) {
    put_bits(w, 0, 24);
    q -= 24;
  }
  put_bits(w, 1, (int)q + 1); /* q zeros, then a one */
  if (k)
    put_bits(w, u & ((1u << k) - 1u), k);
}

/* Residual of the fixed predictor of order `order` at sample i (i >= order). */
static int32_t fixed_residual(const int32_t *x, int i, int order) {
  switch (order) {
  case 0: return x[i];
  case 1: return x[i] - x[i - 1];
  case 2: return x[i] - 2 * x[i - 1] + x[i - 2];
  case 3: return x[i] - 3 * x[i - 1] + 3 * x[i - 2] - x[i - 3];
  default: return x[i] - 4 * x[i - 1] + 6 * x[i - 2] - 4 * x[i - 3] + x[i - 4];
  }
}

/* Best Rice parameter for a partition with this sum of zig-zagged values and count, and its
 * cost in bits. */
static int rice_param(uint64_t sum, int count, uint64_t *bits) {
  int best = 0;
  uint64_t bestbits = UINT64_MAX;
  for (int k = 0; k <= 14; k++) {
    uint64_t b = (uint64_t)count * (uint64_t)(k + 1) + (k ? (sum >> k) : sum) + 4;
    if (b < bestbits) {
      bestbits = b;
      best = k;
    }
  }
  *bits = bestbits;
  return best;
}

typedef struct {
  int order, porder, k[1 << MAX_PORDER];
  uint64_t bits;
} plan;

static void plan_residual(const int32_t *x, int n, int order, plan *p) {
  p->order = order;
  p->bits = UINT64_MAX;
  uint32_t *u = malloc(sizeof(uint32_t) * (size_t)n);
  if (!u)
    return;
  for (int i = order; i < n; i++) {
    int32_t r = fixed_residual(x, i, order);
    u[i] = ((uint32_t)r << 1) ^ (uint32_t)(r >> 31);
  }
  for (int po = 0; po <= MAX_PORDER; po++) {
    if ((n >> po) <= order || (n & ((1 << po) - 1)))
      break;
    int parts = 1 << po, len = n >> po;
    uint64_t total = 6, b;
    int ks[1 << MAX_PORDER];
    for (int q = 0; q < parts; q++) {
      int a = q ? q * len : order, e = (q + 1) * len;
      uint64_t sum = 0;
      for (int i = a; i < e; i++)
        sum += u[i];
      ks[q] = rice_param(sum, e - a, &b);
      total += b;
    }
    if (total < p->bits) {
      p->bits = total;
      p->porder = po;
      memcpy(p->k, ks, sizeof(int) * (size_t)parts);
    }
  }
  free(u);
  p->bits += (uint64_t)order * 16 + 8;
}

/* Frame numbers are coded like UTF-8 (up to 31 bits in 6 bytes). */
static void put_utf8_number(bitw *w, uint32_t v) {
  if (v < 0x80) {
    put_bits(w, v, 8);
    return;
  }
  int bytes = v < 0x800 ? 2 : v < 0x10000 ? 3 : v < 0x200000 ? 4 : v < 0x4000000 ? 5 : 6;
  uint32_t lead = (0xFF00u >> bytes) & 0xFFu;
  put_bits(w, lead | (v >> (6 * (bytes - 1))), 8);
  for (int i = bytes - 2; i >= 0; i--)
    put_bits(w, 0x80u | ((v >> (6 * i)) & 0x3Fu), 8);
}

static int encode_frame(out_bytebuf *out, const int32_t *x, int n, uint32_t frame_no, int rate_code,
                        int rate) {
  size_t start = out->len;
  bitw w = {out, 0, 0};
  put_bits(&w, 0xFFF8, 16);
  int bs_code = n == BLOCK ? 12 : 7;
  put_bits(&w, (uint32_t)bs_code, 4);
  put_bits(&w, (uint32_t)rate_code, 4);
  put_bits(&w, 0, 4); /* mono */
  put_bits(&w, 4, 3); /* 16 bits per sample */
  put_bits(&w, 0, 1);
  put_utf8_number(&w, frame_no);
  if (bs_code == 7)
    put_bits(&w, (uint32_t)(n - 1), 16);
  if (rate_code == 12)
    put_bits(&w, (uint32_t)(rate / 1000), 8);
  else if (rate_code == 13)
    put_bits(&w, (uint32_t)rate, 16);
  if (out->failed)
    return -1;
  uint8_t crc8 = dec_flac_crc8(out->data + start, out->len - start);
  put_bits(&w, crc8, 8);

  /* subframe: constant, best fixed order, or verbatim */
  int constant = 1;
  for (int i = 1; i < n && constant; i++)
    constant = x[i] == x[0];
  if (constant) {
    put_bits(&w, 0, 1);
    put_bits(&w, 0, 6);
    put_bits(&w, 0, 1);
    put_signed(&w, x[0], 16);
  } else {
    plan best = {0}, p;
    best.bits = UINT64_MAX;
    for (int order = 0; order <= 4 && order < n; order++) {
      plan_residual(x, n, order, &p);
      if (p.bits < best.bits)
        best = p;
    }
    if (best.bits >= (uint64_t)n * 16) {
      put_bits(&w, 0, 1);
      put_bits(&w, 1, 6);
      put_bits(&w, 0, 1);
      for (int i = 0; i < n; i++)
        put_signed(&w, x[i], 16);
    } else {
      put_bits(&w, 0, 1);
      put_bits(&w, (uint32_t)(8 | best.order), 6);
      put_bits(&w, 0, 1);
      for (int i = 0; i < best.order; i++)
        put_signed(&w, x[i], 16);
      put_bits(&w, 0, 2); /* Rice, 4-bit parameters */
      put_bits(&w, (uint32_t)best.porder, 4);
      int parts = 1 << best.porder, len = n >> best.porder;
      for (int q = 0; q < parts; q++) {
        put_bits(&w, (uint32_t)best.k[q], 4);
        for (int i = q ? q * len : best.order; i < (q + 1) * len; i++)
          put_unary_rice(&w, fixed_residual(x, i, best.order), best.k[q]);
      }
    }
  }
  flush_byte(&w);
  if (out->failed)
    return -1;
  uint16_t crc16 = dec_flac_crc16(out->data + start, out->len - start);
  put_bits(&w, crc16, 16);
  return out->failed ? -1 : 0;
}

static int rate_code_of(int rate) {
  static const int codes[][2] = {{88200, 1}, {176400, 2}, {192000, 3}, {8000, 4},
                                 {16000, 5}, {22050, 6},  {24000, 7},  {32000, 8},
                                 {44100, 9}, {48000, 10}, {96000, 11}};
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
    if (codes[i][0] == rate)
      return codes[i][1];
  if (rate % 1000 == 0 && rate / 1000 <= 255)
    return 12;
  return rate <= 65535 ? 13 : 0;
}

uint8_t *sm_flac_encode(const float *x, size_t n, int rate, size_t *len) {
  if (len)
    *len = 0;
  if ((!x && n) || !len || rate <= 0 || rate > 655350)
    return NULL;
  int rate_code = rate_code_of(rate);
  if (!rate_code)
    return NULL;
  if ((uint64_t)n >= ((uint64_t)1 << 36)) /* STREAMINFO's 36-bit sample count */
    return NULL;
  if (n / BLOCK >= 0x7FFFFFFFu)
    return NULL;
  out_bytebuf out = {0};
  /* "fLaC" and STREAMINFO; sizes and MD5 are filled in at the end */
  static const uint8_t magic[4] = {'f', 'L', 'a', 'C'};
  out_bytebuf_append(&out, magic, 4);
  uint8_t si[38] = {0x80, 0, 0, 34};
  out_bytebuf_append(&out, si, sizeof si);
  int32_t block[BLOCK];
  dec_md5 md5;
  dec_md5_init(&md5);
  uint32_t frame_no = 0;
  int min_fs = INT_MAX, max_fs = 0;
  for (size_t pos = 0; pos < n; pos += BLOCK, frame_no++) {
    int m = (int)(n - pos < BLOCK ? n - pos : BLOCK);
    uint8_t le[2 * BLOCK];
    for (int i = 0; i < m; i++) {
      float v = x[pos + (size_t)i];
      if (!(v == v))
        v = 0.0f;
      v = v > 1.0f ? 1.0f : v < -1.0f ? -1.0f : v;
      block[i] = (int32_t)lrintf(v * 32767.0f);
      le[2 * i] = (uint8_t)(block[i] & 0xFF);
      le[2 * i + 1] = (uint8_t)((block[i] >> 8) & 0xFF);
    }
    dec_md5_update(&md5, le, (size_t)m * 2);
    size_t before = out.len;
    if (encode_frame(&out, block, m, frame_no, rate_code, rate) < 0)
      break;
    int fs = (int)(out.len - before);
    if (fs < min_fs)
      min_fs = fs;
    if (fs > max_fs)
      max_fs = fs;
  }
  if (out.failed) {
    free(out.data);
    return NULL;
  }
  uint8_t *p = out.data + 8; /* STREAMINFO body */
  p[0] = (uint8_t)(BLOCK >> 8);
  p[1] = (uint8_t)BLOCK; /* min block size: fixed-size stream */
  p[2] = (uint8_t)(BLOCK >> 8);
  p[3] = (uint8_t)BLOCK;
  if (n == 0)
    min_fs = max_fs = 0;
  p[4] = (uint8_t)(min_fs >> 16);
  p[5] = (uint8_t)(min_fs >> 8);
  p[6] = (uint8_t)min_fs;
  p[7] = (uint8_t)(max_fs >> 16);
  p[8] = (uint8_t)(max_fs >> 8);
  p[9] = (uint8_t)max_fs;
  uint64_t total = n;
  /* 20 bits rate, 3 bits channels-1 (0), 5 bits bps-1 (15), 36 bits total samples */
  p[10] = (uint8_t)(rate >> 12);
  p[11] = (uint8_t)(rate >> 4);
  p[12] = (uint8_t)(((rate & 0xF) << 4) | (0 << 1) | (15 >> 4));
  p[13] = (uint8_t)(((15 & 0xF) << 4) | (uint8_t)((total >> 32) & 0xF));
  p[14] = (uint8_t)(total >> 24);
  p[15] = (uint8_t)(total >> 16);
  p[16] = (uint8_t)(total >> 8);
  p[17] = (uint8_t)total;
  dec_md5_final(&md5, p + 18);
  *len = out.len;
  return out.data;
}
