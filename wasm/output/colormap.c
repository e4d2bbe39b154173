/* colormap.c — the magma-like colour map of the spectrogram tiles (see colormap.h). */
#include "output/colormap.h"

/* Key colours of magma at t = 0, 1/8, ..., 1 (published values, rounded). */
static const uint8_t KEYS[9][3] = {
    {0, 0, 4},      {28, 16, 68},   {79, 18, 123},   {129, 37, 129},  {181, 54, 122},
    {229, 80, 100}, {251, 135, 97}, {254, 194, 135}, {252, 253, 191},
};

void out_colormap(float t, uint8_t rgb[3]) {
  if (!(t > 0.0f))
    t = 0.0f; /* also catches NaN */
  if (t > 1.0f)
    t = 1.0f;
  float x = t * 8.0f;
  int i = (int)x;
  if (i > 7)
    i = 7;
  float f = x - (float)i;
  for (int c = 0; c < 3; c++) {
    float v = (1.0f - f) * KEYS[i][c] + f * KEYS[i + 1][c];
    rgb[c] = (uint8_t)(v + 0.5f);
  }
}
