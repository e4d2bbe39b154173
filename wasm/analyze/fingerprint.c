/* fingerprint.c — 32 x 32 fingerprint of a log-mel patch; see fingerprint.h. */
#include "analyze/fingerprint.h"

#include <math.h>
#include <string.h>

#define FT (SM_PATCH_FRAMES / SM_FP) /* 3 frames per cell */
#define FB (SM_NMEL / SM_FP)         /* 2 bands per cell */

void ana_fingerprint(const float *logmel, float *fp) {
  static const int n = SM_PATCH_FRAMES * SM_NMEL;
  double peak = 0;
  for (int i = 0; i < n; i++) {
    double mel = exp((double)logmel[i]) - 0.001;
    if (mel > peak)
      peak = mel;
  }
  if (!(peak > 0)) {
    memset(fp, 0, SM_FP * SM_FP * sizeof(float));
    return;
  }
  const double floor_ratio = pow(10.0, -ANA_FP_RANGE_DB / 20.0);
  for (int t = 0; t < SM_FP; t++)
    for (int b = 0; b < SM_FP; b++) {
      double sum = 0;
      for (int i = 0; i < FT; i++)
        for (int j = 0; j < FB; j++) {
          double mel = exp((double)logmel[(t * FT + i) * SM_NMEL + b * FB + j]) - 0.001;
          double ratio = mel / peak;
          sum += ratio > floor_ratio ? 20.0 * log10(ratio) : -ANA_FP_RANGE_DB;
        }
      fp[t * SM_FP + b] = (float)(1.0 + sum / (FT * FB) / ANA_FP_RANGE_DB);
    }
}
