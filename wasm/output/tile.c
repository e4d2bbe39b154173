/* tile.c — colour-mapped log-mel spectrogram tiles (sonomap.h: sm_logmel_tile). */
#include <math.h>

#include "output/colormap.h"
#include "sonomap.h"

/* Dynamic range shown in a tile, in natural-log units of the mel energy (≈ 70 dB). */
#define TILE_RANGE 8.0f

void sm_logmel_tile(const float *logmel, int frames, int bands, int w, int h, uint8_t *rgba) {
  if (!logmel || !rgba || frames <= 0 || bands <= 0 || w <= 0 || h <= 0)
    return;
  float hi = -INFINITY;
  for (int i = 0; i < frames * bands; i++)
    if (isfinite(logmel[i]) && logmel[i] > hi)
      hi = logmel[i];
  if (!isfinite(hi))
    hi = 0.0f;
  const float lo = hi - TILE_RANGE;
  for (int y = 0; y < h; y++) {
    /* row 0 is the top of the image = the highest band */
    float fb = ((float)(h - 1 - y) + 0.5f) * (float)bands / (float)h - 0.5f;
    if (fb < 0)
      fb = 0;
    if (fb > (float)(bands - 1))
      fb = (float)(bands - 1);
    int b0 = (int)fb, b1 = b0 + 1 < bands ? b0 + 1 : b0;
    float wb = fb - (float)b0;
    for (int x = 0; x < w; x++) {
      float ft = ((float)x + 0.5f) * (float)frames / (float)w - 0.5f;
      if (ft < 0)
        ft = 0;
      if (ft > (float)(frames - 1))
        ft = (float)(frames - 1);
      int t0 = (int)ft, t1 = t0 + 1 < frames ? t0 + 1 : t0;
      float wt = ft - (float)t0;
      float v00 = logmel[t0 * bands + b0], v01 = logmel[t0 * bands + b1];
      float v10 = logmel[t1 * bands + b0], v11 = logmel[t1 * bands + b1];
      float v = (1 - wt) * ((1 - wb) * v00 + wb * v01) + wt * ((1 - wb) * v10 + wb * v11);
      uint8_t *px = rgba + ((size_t)y * (size_t)w + (size_t)x) * 4;
      out_colormap((v - lo) / TILE_RANGE, px);
      px[3] = 255;
    }
  }
}
