/* pcm.c — conversion of uncompressed sample layouts to float or int32 (see pcm.h). */
#include "pcm.h"

#include <string.h>

#include "bytes.h"

int dec_pcm_supported(int kind, int bytes) {
  switch (kind) {
  case DEC_PCM_SINT: return bytes >= 1 && bytes <= 4;
  case DEC_PCM_UINT: return bytes == 1;
  case DEC_PCM_FLOAT: return bytes == 4 || bytes == 8;
  case DEC_PCM_ULAW:
  case DEC_PCM_ALAW: return bytes == 1;
  default: return 0;
  }
}

int dec_pcm_bits(const dec_pcm *p) {
  switch (p->kind) {
  case DEC_PCM_FLOAT: return 0;
  case DEC_PCM_ULAW:
  case DEC_PCM_ALAW: return 16;
  default: return 8 * p->bytes;
  }
}

/* G.711 expansions to 16-bit linear (ITU-T G.711 tables, computed). */
static int32_t ulaw_to_linear(uint8_t u) {
  u = (uint8_t)~u;
  int32_t t = (((int32_t)(u & 0x0F)) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return (u & 0x80) ? 0x84 - t : t - 0x84;
}

static int32_t alaw_to_linear(uint8_t a) {
  a ^= 0x55;
  int32_t t = ((int32_t)(a & 0x0F)) << 4;
  int seg = (a & 0x70) >> 4;
  if (seg == 0) {
    t += 8;
  } else {
    t += 0x108;
    if (seg > 1)
      t <<= seg - 1;
  }
  return (a & 0x80) ? t : -t;
}

/* One integer sample as stored, sign-extended (or re-centred for offset binary). */
static inline int32_t get_int(const uint8_t *q, const dec_pcm *p) {
  switch (p->kind) {
  case DEC_PCM_UINT: return (int32_t)q[0] - 128;
  case DEC_PCM_ULAW: return ulaw_to_linear(q[0]);
  case DEC_PCM_ALAW: return alaw_to_linear(q[0]);
  default: break;
  }
  int n = p->bytes;
  uint32_t v = (uint32_t)(p->big_endian ? dec_get_be(q, n) : dec_get_le(q, n));
  int shift = 32 - 8 * n;
  /* left-justify, then arithmetic shift back: sign extension without overflow */
  return (int32_t)(v << shift) >> shift;
}

static inline double get_float(const uint8_t *q, const dec_pcm *p) {
  if (p->bytes == 4) {
    uint32_t u = (uint32_t)(p->big_endian ? dec_get_be(q, 4) : dec_get_le(q, 4));
    float f;
    memcpy(&f, &u, 4);
    return f;
  }
  uint64_t u = p->big_endian ? dec_get_be(q, 8) : dec_get_le(q, 8);
  double d;
  memcpy(&d, &u, 8);
  return d;
}

long dec_pcm_read(dec_pcm *p, dec_out out, long max_frames) {
  if (max_frames <= 0 || p->pos >= p->frames)
    return 0;
  int64_t left = p->frames - p->pos;
  long n = left < max_frames ? (long)left : max_frames;
  size_t frame_bytes = (size_t)p->channels * (size_t)p->bytes;
  const uint8_t *q = p->data + (size_t)p->pos * frame_bytes;
  size_t count = (size_t)n * (size_t)p->channels;
  int b = p->bytes;

  if (p->kind == DEC_PCM_FLOAT) {
    for (size_t k = 0; k < count; k++, q += b)
      out.f[k] = (float)get_float(q, p);
  } else if (out.i) {
    for (size_t k = 0; k < count; k++, q += b)
      out.i[k] = get_int(q, p);
  } else {
    double scale = 1.0 / (double)(1u << (dec_pcm_bits(p) - 1));
    float *f = out.f;
    /* the common layouts get their own loops; the rest go through get_int */
    if (p->kind == DEC_PCM_SINT && b == 2 && !p->big_endian) {
      for (size_t k = 0; k < count; k++, q += 2)
        f[k] = (float)((double)(int16_t)(uint16_t)(q[0] | (q[1] << 8)) * scale);
    } else if (p->kind == DEC_PCM_SINT && b == 2) {
      for (size_t k = 0; k < count; k++, q += 2)
        f[k] = (float)((double)(int16_t)(uint16_t)((q[0] << 8) | q[1]) * scale);
    } else {
      for (size_t k = 0; k < count; k++, q += b)
        f[k] = (float)((double)get_int(q, p) * scale);
    }
  }
  p->pos += n;
  return n;
}
