/* frontend.c — YAMNet log-mel frontend; see frontend.h. */
#include "dsp/frontend.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kiss_fftr.h"

#define FE_PI 3.14159265358979323846

struct dsp_frontend {
  kiss_fftr_cfg fft;
  float window[SM_WIN];
  float mel[SM_NBINS * SM_NMEL]; /* bin-major, as TF */
  /* Band m is non-zero only for bins lo[m] .. hi[m] - 1; its weights, contiguous. */
  int lo[SM_NMEL], hi[SM_NMEL];
  float band_w[SM_NBINS * 2]; /* each bin belongs to at most two triangles */
  int band_off[SM_NMEL];
  float in[SM_NFFT];
  kiss_fft_cpx spec[SM_NBINS];
  float mag[SM_NBINS];
};

static double hz_to_mel(double hz) { return 1127.0 * log(1.0 + hz / 700.0); }

void dsp_mel_matrix(float *w) {
  double lo = hz_to_mel(DSP_MEL_LO_HZ), hi = hz_to_mel(DSP_MEL_HI_HZ);
  double edges[SM_NMEL + 2];
  for (int i = 0; i < SM_NMEL + 2; i++)
    edges[i] = lo + (hi - lo) * i / (SM_NMEL + 1);
  for (int m = 0; m < SM_NMEL; m++)
    w[m] = 0.0f; /* bin 0 (DC) */
  for (int k = 1; k < SM_NBINS; k++) {
    double mel = hz_to_mel((SM_RATE / 2.0) * k / (SM_NBINS - 1));
    for (int m = 0; m < SM_NMEL; m++) {
      double lower = (mel - edges[m]) / (edges[m + 1] - edges[m]);
      double upper = (edges[m + 2] - mel) / (edges[m + 2] - edges[m + 1]);
      double v = fmin(lower, upper);
      w[k * SM_NMEL + m] = (float)(v > 0.0 ? v : 0.0);
    }
  }
}

dsp_frontend *dsp_frontend_new(void) {
  dsp_frontend *f = calloc(1, sizeof *f);
  if (!f)
    return NULL;
  f->fft = kiss_fftr_alloc(SM_NFFT, 0, NULL, NULL);
  if (!f->fft) {
    free(f);
    return NULL;
  }
  for (int i = 0; i < SM_WIN; i++)
    f->window[i] = (float)(0.5 - 0.5 * cos(2.0 * FE_PI * i / SM_WIN));
  dsp_mel_matrix(f->mel);
  int off = 0;
  for (int m = 0; m < SM_NMEL; m++) {
    int lo = SM_NBINS, hi = 0;
    for (int k = 0; k < SM_NBINS; k++)
      if (f->mel[k * SM_NMEL + m] != 0.0f) {
        if (k < lo)
          lo = k;
        hi = k + 1;
      }
    if (hi <= lo)
      lo = hi = 0;
    f->lo[m] = lo;
    f->hi[m] = hi;
    f->band_off[m] = off;
    for (int k = lo; k < hi; k++)
      f->band_w[off++] = f->mel[k * SM_NMEL + m];
  }
  return f;
}

void dsp_frontend_free(dsp_frontend *f) {
  if (!f)
    return;
  kiss_fftr_free(f->fft);
  free(f);
}

size_t dsp_frontend_frames(size_t n) { return n < SM_WIN ? 0 : 1 + (n - SM_WIN) / SM_HOP; }

const float *dsp_frontend_mel_matrix(const dsp_frontend *f) { return f ? f->mel : NULL; }

/* Log-mel of mag (SM_NBINS magnitudes) into logmel (SM_NMEL). */
static void frontend_mel(const dsp_frontend *f, const float *mag, float *logmel) {
  for (int m = 0; m < SM_NMEL; m++) {
    const float *w = f->band_w + f->band_off[m];
    float s = 0.0f;
    for (int k = f->lo[m]; k < f->hi[m]; k++)
      s += mag[k] * *w++;
    logmel[m] = logf(s + DSP_LOG_OFFSET);
  }
}

void dsp_frontend_frame(dsp_frontend *f, const float *frame, float *mag, float *logmel) {
  for (int i = 0; i < SM_WIN; i++)
    f->in[i] = frame[i] * f->window[i];
  memset(f->in + SM_WIN, 0, (SM_NFFT - SM_WIN) * sizeof(float));
  kiss_fftr(f->fft, f->in, f->spec);
  float *m = mag ? mag : f->mag;
  for (int k = 0; k < SM_NBINS; k++) {
    float re = f->spec[k].r, im = f->spec[k].i;
    m[k] = sqrtf(re * re + im * im);
  }
  if (logmel)
    frontend_mel(f, m, logmel);
}

size_t dsp_frontend_run(dsp_frontend *f, const float *x, size_t n, float *logmel, float *mag) {
  size_t frames = dsp_frontend_frames(n);
  for (size_t t = 0; t < frames; t++)
    dsp_frontend_frame(f, x + t * SM_HOP, mag ? mag + t * SM_NBINS : NULL,
                       logmel ? logmel + t * SM_NMEL : NULL);
  return frames;
}
