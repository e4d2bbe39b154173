/* descriptors.c — spectral centroid, roll-off, bandwidth, RMS, ZCR; see descriptors.h. */
#include "analyze/descriptors.h"

#include <math.h>

void ana_spectral_descriptors(const double *s, float *desc) {
  const double df = (double)SM_RATE / SM_NFFT;
  double total = 0, moment = 0;
  for (int k = 0; k < SM_NBINS; k++) {
    total += s[k];
    moment += s[k] * k * df;
  }
  if (!(total > 0)) {
    desc[SM_DESC_CENTROID] = desc[SM_DESC_ROLLOFF] = desc[SM_DESC_BANDWIDTH] = 0.0f;
    return;
  }
  double centroid = moment / total, spread = 0, cum = 0;
  int roll = SM_NBINS - 1;
  for (int k = 0; k < SM_NBINS; k++) {
    double d = k * df - centroid;
    spread += s[k] * d * d;
  }
  for (int k = 0; k < SM_NBINS; k++) {
    cum += s[k];
    if (cum >= ANA_ROLLOFF_FRACTION * total) {
      roll = k;
      break;
    }
  }
  desc[SM_DESC_CENTROID] = (float)centroid;
  desc[SM_DESC_ROLLOFF] = (float)(roll * df);
  desc[SM_DESC_BANDWIDTH] = (float)sqrt(spread / total);
}

double ana_rms(const float *x, size_t n) {
  if (n == 0)
    return 0.0;
  double s = 0;
  for (size_t i = 0; i < n; i++)
    s += (double)x[i] * x[i];
  return sqrt(s / (double)n);
}

double ana_zcr(const float *x, size_t n) {
  if (n < 2)
    return 0.0;
  size_t c = 0;
  for (size_t i = 1; i < n; i++)
    c += (x[i] >= 0.0f) != (x[i - 1] >= 0.0f);
  return (double)c / (double)(n - 1);
}
