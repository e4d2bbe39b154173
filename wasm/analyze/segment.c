/* segment.c — analysis window placement; see segment.h. */
#include "analyze/segment.h"

#include <math.h>
#include <string.h>

size_t ana_peak_index(const float *x, size_t n) {
  size_t best = 0;
  float peak = -1.0f;
  for (size_t i = 0; i < n; i++) {
    float v = fabsf(x[i]);
    if (v > peak) {
      peak = v;
      best = i;
    }
  }
  return best;
}

int64_t ana_clip_window_start(const float *x, size_t n) {
  return (int64_t)ana_peak_index(x, n) - SM_PATCH_SAMPLES / 2;
}

int64_t ana_onset_window_start(const float *x, size_t n) {
  size_t blocks = (n + SM_HOP - 1) / SM_HOP;
  double peak = 0;
  for (size_t k = 0; k < blocks; k++) {
    double e = 0;
    for (size_t i = k * SM_HOP; i < n && i < (k + 1) * SM_HOP; i++)
      e += (double)x[i] * x[i];
    if (e > peak)
      peak = e;
  }
  if (!(peak > 0))
    return 0;
  const double level = peak * pow(10.0, -ANA_ONSET_DB / 10.0);
  size_t onset = 0;
  for (size_t k = 0; k < blocks; k++) {
    double e = 0;
    for (size_t i = k * SM_HOP; i < n && i < (k + 1) * SM_HOP; i++)
      e += (double)x[i] * x[i];
    if (e >= level) {
      onset = k * SM_HOP;
      break;
    }
  }
  return onset > ANA_ONSET_PREROLL ? (int64_t)(onset - ANA_ONSET_PREROLL) : 0;
}

size_t ana_long_windows(size_t n) {
  if (n <= SM_PATCH_SAMPLES)
    return 1;
  return 1 + (n - SM_PATCH_SAMPLES + ANA_PATCH_HOP_SAMPLES - 1) / ANA_PATCH_HOP_SAMPLES;
}

void ana_clamp_span(size_t n, int64_t start, size_t len, size_t *a, size_t *count) {
  int64_t lo = start < 0 ? 0 : start;
  int64_t hi = start + (int64_t)len;
  if (hi > (int64_t)n)
    hi = (int64_t)n;
  *a = (size_t)lo;
  *count = hi > lo ? (size_t)(hi - lo) : 0;
}

void ana_copy_padded(const float *x, size_t n, int64_t start, size_t len, float *out) {
  size_t a, count;
  memset(out, 0, len * sizeof(float));
  ana_clamp_span(n, start, len, &a, &count);
  if (count)
    memcpy(out + (int64_t)a - start, x + a, count * sizeof(float));
}
