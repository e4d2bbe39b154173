/* wav_write.c — 16-bit PCM mono WAV encoding of the spriteclip (sonomap.h: sm_wav_encode). */
#include <math.h>
#include <stdlib.h>

#include "sonomap.h"

static void put16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v) {
  put16(p, v & 0xffff);
  put16(p + 2, v >> 16);
}

uint8_t *sm_wav_encode(const float *x, size_t n, int rate, size_t *len) {
  if (len)
    *len = 0;
  if ((!x && n) || rate <= 0 || !len)
    return NULL;
  if (n > (0xFFFFFFFFu - 44) / 2)
    return NULL; /* the RIFF size field is 32-bit */
  size_t bytes = 44 + 2 * n;
  uint8_t *b = malloc(bytes);
  if (!b)
    return NULL;
  uint8_t *h = b;
  h[0] = 'R';
  h[1] = 'I';
  h[2] = 'F';
  h[3] = 'F';
  put32(h + 4, (uint32_t)(bytes - 8));
  h[8] = 'W';
  h[9] = 'A';
  h[10] = 'V';
  h[11] = 'E';
  h[12] = 'f';
  h[13] = 'm';
  h[14] = 't';
  h[15] = ' ';
  put32(h + 16, 16);
  put16(h + 20, 1); /* PCM */
  put16(h + 22, 1); /* mono */
  put32(h + 24, (uint32_t)rate);
  put32(h + 28, (uint32_t)rate * 2);
  put16(h + 32, 2);  /* block align */
  put16(h + 34, 16); /* bits */
  h[36] = 'd';
  h[37] = 'a';
  h[38] = 't';
  h[39] = 'a';
  put32(h + 40, (uint32_t)(2 * n));
  for (size_t i = 0; i < n; i++) {
    float v = x[i];
    if (!(v == v))
      v = 0.0f; /* NaN → silence */
    v = v > 1.0f ? 1.0f : v < -1.0f ? -1.0f : v;
    long s = lrintf(v * 32767.0f);
    put16(b + 44 + 2 * i, (uint32_t)(uint16_t)(int16_t)s);
  }
  *len = bytes;
  return b;
}
