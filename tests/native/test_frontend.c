/* test_frontend.c — the YAMNet frontend against an independent numpy computation
 * (tests/fixtures/frontend_ref.py, written by `make fixtures` to build/fixtures/frontend/),
 * plus frame counting and a few properties. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dsp/frontend.h"
#include "files.h"

#define DIR "build/fixtures/frontend/"

static void test_frame_counts(void) {
  CHECK(dsp_frontend_frames(0) == 0 && dsp_frontend_frames(399) == 0, "frames below one window");
  CHECK(dsp_frontend_frames(400) == 1 && dsp_frontend_frames(559) == 1 &&
            dsp_frontend_frames(560) == 2,
        "frame count at the edges");
  CHECK(dsp_frontend_frames(SM_PATCH_SAMPLES) == SM_PATCH_FRAMES, "15600 samples give 96 frames");
}

/* The mel matrix against numpy's (mel, nmel values); returns the largest error. */
static double test_mel_matrix(const dsp_frontend *f, const float *mel, size_t nmel) {
  CHECK(nmel == SM_NBINS * SM_NMEL, "mel matrix size %zu", nmel);
  double emel = 0;
  const float *w = dsp_frontend_mel_matrix(f);
  for (size_t i = 0; i < nmel && i < SM_NBINS * SM_NMEL; i++)
    emel = fmax(emel, fabs(w[i] - mel[i]));
  CHECK(emel <= 1e-6, "mel matrix max error %g", emel);
  float w2[SM_NBINS * SM_NMEL];
  dsp_mel_matrix(w2);
  CHECK(memcmp(w2, w, sizeof w2) == 0, "dsp_mel_matrix differs from the planned matrix");
  /* Row 0 (DC) is zero; every band has weight; triangles peak below 1. */
  int ok = 1;
  for (int m = 0; m < SM_NMEL; m++) {
    double col = 0, peak = 0;
    ok &= w[m] == 0.0f;
    for (int k = 0; k < SM_NBINS; k++) {
      col += w[k * SM_NMEL + m];
      peak = fmax(peak, w[k * SM_NMEL + m]);
    }
    ok &= col > 0.5 && peak <= 1.0;
  }
  CHECK(ok, "mel matrix shape");
  return emel;
}

/* The published YAMNet TFLite model carries TF's matrix as a 64 x 257 constant: ours,
 * transposed, must occur in it byte for byte. */
static void test_mel_matrix_in_yamnet(const dsp_frontend *f) {
  const float *w = dsp_frontend_mel_matrix(f);
  size_t nmodel;
  float *model = read_f32("../shared/models/yamnet.tflite", &nmodel);
  if (!model)
    printf("test_frontend: ../shared/models/yamnet.tflite is absent: the check against its mel "
           "matrix is skipped\n");
  if (model) {
    float *wt = malloc(sizeof(float) * SM_NBINS * SM_NMEL);
    for (int k = 0; k < SM_NBINS; k++)
      for (int m = 0; m < SM_NMEL; m++)
        wt[m * SM_NBINS + k] = w[k * SM_NMEL + m];
    const unsigned char *hay = (const unsigned char *)model;
    size_t hlen = nmodel * sizeof(float), nlen = sizeof(float) * SM_NBINS * SM_NMEL;
    int found = 0;
    for (size_t i = 0; !found && i + nlen <= hlen; i++)
      found = hay[i] == ((unsigned char *)wt)[0] && memcmp(hay + i, wt, nlen) == 0;
    CHECK(found, "mel matrix not found bit for bit in yamnet.tflite");
    free(wt);
    free(model);
  }
}

/* A whole signal against numpy's log-mel (lm) and magnitudes (mag), frame by frame too. */
static void test_run_against_numpy(dsp_frontend *f, const float *x, size_t nx, const float *lm,
                                   size_t nlm, const float *mag, size_t nmag, double emel) {
  size_t frames = dsp_frontend_frames(nx);
  CHECK(nlm == frames * SM_NMEL, "numpy frames %zu vs %zu", nlm / SM_NMEL, frames);
  CHECK(nmag == frames * SM_NBINS, "numpy magnitude rows");
  float *out = malloc(frames * SM_NMEL * sizeof(float));
  float *omag = malloc(frames * SM_NBINS * sizeof(float));
  size_t got = dsp_frontend_run(f, x, nx, out, omag);
  CHECK(got == frames, "run returned %zu frames", got);
  double elm = 0, emag = 0;
  if (nlm == frames * SM_NMEL && nmag == frames * SM_NBINS) {
    for (size_t i = 0; i < frames * SM_NMEL; i++)
      elm = fmax(elm, fabs(out[i] - lm[i]));
    for (size_t i = 0; i < frames * SM_NBINS; i++)
      emag = fmax(emag, fabs(omag[i] - mag[i]) / (1.0 + fabs(mag[i])));
  }
  printf("frontend vs numpy: mel matrix max |err| %.3g, log-mel max |err| %.3g over %zu frames, "
         "magnitude max rel err %.3g\n",
         emel, elm, frames, emag);
  CHECK(elm <= 1e-4, "log-mel max error %g", elm);
  CHECK(emag <= 1e-5, "magnitude max error %g", emag);
  /* The silent stretch (samples 6000..6999) gives frames of exact log(0.001). */
  int silent = 0;
  for (size_t t = 38; t <= 41; t++)
    for (int m = 0; m < SM_NMEL; m++)
      silent += out[t * SM_NMEL + m] == logf(0.001f);
  CHECK(silent == 4 * SM_NMEL, "silent frames give log(0.001)");
  /* Frame by frame gives the same as the whole run. */
  float one[SM_NMEL];
  dsp_frontend_frame(f, x + 7 * SM_HOP, NULL, one);
  CHECK(memcmp(one, out + 7 * SM_NMEL, sizeof one) == 0, "frame 7 differs");
  free(out);
  free(omag);
}

/* Against numpy (the fixtures of tests/fixtures/frontend.sh). */
static void test_against_numpy(dsp_frontend *f) {
  size_t nx, nmel, nlm, nmag;
  float *x = read_f32(DIR "signal.f32", &nx);
  float *mel = read_f32(DIR "mel.f32", &nmel);
  float *lm = read_f32(DIR "logmel.f32", &nlm);
  float *mag = read_f32(DIR "mag.f32", &nmag);
  CHECK(x && mel && lm && mag, "fixtures missing: run `make fixtures` (%s)", DIR);
  if (x && mel && lm && mag) {
    double emel = test_mel_matrix(f, mel, nmel);
    test_mel_matrix_in_yamnet(f);
    test_run_against_numpy(f, x, nx, lm, nlm, mag, nmag, emel);
  }
  free(x);
  free(mel);
  free(lm);
  free(mag);
}

/* A 1 kHz sine peaks in the band whose centre is nearest 1 kHz, with bin 32 the peak bin. */
static void test_sine_1khz(dsp_frontend *f) {
  float s[SM_WIN], m[SM_NBINS], l[SM_NMEL];
  for (int i = 0; i < SM_WIN; i++)
    s[i] = (float)sin(2 * 3.14159265358979 * 1000.0 * i / SM_RATE);
  dsp_frontend_frame(f, s, m, l);
  int kb = 0, mb = 0;
  for (int k = 1; k < SM_NBINS; k++)
    if (m[k] > m[kb])
      kb = k;
  for (int b = 1; b < SM_NMEL; b++)
    if (l[b] > l[mb])
      mb = b;
  CHECK(kb == 32, "1 kHz peak bin %d", kb);
  /* Amplitude 1 with a Hann window: peak magnitude = sum(window) / 2 = 100. */
  CHECK_NEAR(m[32], 100.0, 0.5, "1 kHz peak magnitude");
  double lo = 1127.0 * log(1 + 125.0 / 700), hi = 1127.0 * log(1 + 7500.0 / 700);
  double target = 1127.0 * log(1 + 1000.0 / 700);
  int best = 0;
  for (int b = 0; b < SM_NMEL; b++) {
    double c = lo + (hi - lo) * (b + 1) / (SM_NMEL + 1);
    double cb = lo + (hi - lo) * (best + 1) / (SM_NMEL + 1);
    if (fabs(c - target) < fabs(cb - target))
      best = b;
  }
  CHECK(abs(mb - best) <= 1, "1 kHz in band %d, expected about %d", mb, best);
}

int main(void) {
  dsp_frontend *f = dsp_frontend_new();
  CHECK(f != NULL, "dsp_frontend_new failed");
  if (!f)
    return check_report("test_frontend");
  test_frame_counts();
  test_against_numpy(f);
  test_sine_1khz(f);
  dsp_frontend_free(f);
  return check_report("test_frontend");
}
