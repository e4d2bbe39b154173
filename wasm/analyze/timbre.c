/* timbre.c — MFCC statistics of log-mel frames; see timbre.h. */
#include "analyze/timbre.h"

#include <math.h>
#include <string.h>

void ana_timbre_basis_init(ana_timbre_basis *b) {
  const double pi = 3.14159265358979323846;
  for (int k = 0; k < SM_NMFCC; k++) {
    double s = sqrt((k == 0 ? 1.0 : 2.0) / SM_NMEL);
    for (int m = 0; m < SM_NMEL; m++)
      b->dct[k][m] = s * cos(pi * k * (m + 0.5) / SM_NMEL);
  }
}

void ana_mfcc(const ana_timbre_basis *b, const float *logmel, double *c) {
  for (int k = 0; k < SM_NMFCC; k++) {
    double s = 0;
    for (int m = 0; m < SM_NMEL; m++)
      s += b->dct[k][m] * logmel[m];
    c[k] = s;
  }
}

void ana_timbre_add(ana_timbre_acc *t, const double *c) {
  for (int k = 0; k < SM_NMFCC; k++) {
    t->sum[k] += c[k];
    t->sq[k] += c[k] * c[k];
  }
  t->frames++;
}

void ana_timbre_merge(ana_timbre_acc *t, const ana_timbre_acc *u) {
  for (int k = 0; k < SM_NMFCC; k++) {
    t->sum[k] += u->sum[k];
    t->sq[k] += u->sq[k];
  }
  t->frames += u->frames;
}

void ana_timbre_finish(const ana_timbre_acc *t, float *out) {
  if (t->frames <= 0) {
    memset(out, 0, SM_NTIMBRE * sizeof(float));
    return;
  }
  for (int k = 0; k < SM_NMFCC; k++) {
    double mean = t->sum[k] / (double)t->frames;
    double var = t->sq[k] / (double)t->frames - mean * mean;
    out[k] = (float)mean;
    out[SM_NMFCC + k] = (float)sqrt(var > 0 ? var : 0);
  }
}
