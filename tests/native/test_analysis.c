/* test_analysis.c — segmenting (clip, long, whole), descriptors, fingerprint, and the
 * sm_analyze_pcm / sm_analyze_file pipeline (down-mix, resampling, errors). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/fingerprint.h"
#include "analyze/segment.h"
#include "check.h"
#include "dsp/frontend.h"
#include "dsp/resample.h"
#include "sonomap.h"

#define PI 3.14159265358979323846
#define FIX "build/fixtures/analysis/"

static uint32_t rng_state = 99u;
static float noise(void) { /* uniform in [-1, 1] */
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return (float)((rng_state >> 8) / 8388607.5 - 1.0);
}

static float *tone(size_t n, double rate, double f, double amp) {
  float *x = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++)
    x[i] = (float)(amp * sin(2 * PI * f * i / rate + 0.2));
  return x;
}

static uint8_t *load(const char *path, size_t *len) {
  *len = 0;
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return NULL;
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  uint8_t *b = n > 0 ? malloc((size_t)n) : NULL;
  if (b && fread(b, 1, (size_t)n, fp) == (size_t)n)
    *len = (size_t)n;
  fclose(fp);
  if (!*len) {
    free(b);
    return NULL;
  }
  return b;
}

/* The 96 x 64 log-mel of the window at start, computed here from the frontend directly. */
static void expected_patch(const float *x, size_t n, int64_t start, float *patch) {
  float *buf = malloc(SM_PATCH_SAMPLES * sizeof(float));
  memset(buf, 0, SM_PATCH_SAMPLES * sizeof(float));
  for (int64_t i = 0; i < SM_PATCH_SAMPLES; i++)
    if (start + i >= 0 && start + i < (int64_t)n)
      buf[i] = x[start + i];
  dsp_frontend *f = dsp_frontend_new();
  dsp_frontend_run(f, buf, SM_PATCH_SAMPLES, patch, NULL);
  dsp_frontend_free(f);
  free(buf);
}

static int loudest_frame(const float *patch) {
  int best = 0;
  double be = -1e30;
  for (int t = 0; t < SM_PATCH_FRAMES; t++) {
    double e = 0;
    for (int m = 0; m < SM_NMEL; m++)
      e += exp(patch[t * SM_NMEL + m]);
    if (e > be) {
      be = e;
      best = t;
    }
  }
  return best;
}

static void test_pcm_stereo(void) {
  size_t frames = 57331; /* 1.3 s + 1 frame at 44.1 kHz */
  float *x = malloc(frames * 2 * sizeof(float));
  float *mono = malloc(frames * sizeof(float));
  for (size_t i = 0; i < frames; i++) {
    double s = sin(2 * PI * 440 * i / 44100.0);
    x[2 * i] = (float)(0.5 * s);
    x[2 * i + 1] = (float)(0.3 * s);
    mono[i] = (x[2 * i] + x[2 * i + 1]) * 0.5f;
  }
  sm_analysis *a = sm_analyze_pcm(x, frames, 2, 44100, SM_MODE_CLIP);
  CHECK(a && !sm_analysis_error(a), "pcm: %s", a ? sm_analysis_error(a) : "NULL");
  CHECK(strcmp(sm_analysis_format(a), "pcm") == 0, "format %s", sm_analysis_format(a));
  CHECK(sm_analysis_source_rate(a) == 44100 && sm_analysis_source_channels(a) == 2, "source");
  CHECK_NEAR(sm_analysis_duration(a), frames / 44100.0, 1e-12, "duration");
  size_t n = sm_analysis_audio_length(a);
  CHECK(n == 20801, "16 kHz length %zu, expected ceil(57331 * 16000 / 44100) = 20801", n);
  /* The blockwise pipeline gives exactly the one-shot resampling of the mean of channels. */
  dsp_resampler *r = dsp_resampler_new(44100, 16000, NULL, 0);
  float *y = malloc((dsp_resampler_out_length(r, frames) + 1) * sizeof(float));
  size_t m = dsp_resampler_process(r, mono, frames, y);
  float *tail = malloc(dsp_resampler_max_out(r, 0) * sizeof(float));
  size_t t = dsp_resampler_finish(r, tail);
  memcpy(y + m, tail, t * sizeof(float));
  CHECK(m + t == n && memcmp(y, sm_analysis_audio(a), n * sizeof(float)) == 0,
        "16 kHz signal differs from one-shot resampling of the down-mix");
  const float *d = sm_segment_descriptors(a, 0);
  CHECK(d != NULL, "descriptors");
  if (d) {
    CHECK_NEAR(d[SM_DESC_RMS], 0.4 / sqrt(2.0), 3e-3, "RMS of the 0.4 mono sine");
    CHECK_NEAR(d[SM_DESC_CENTROID], 440, 30, "centroid 440 Hz");
    CHECK_NEAR(d[SM_DESC_DURATION], frames / 44100.0, 1e-6, "duration descriptor");
  }
  dsp_resampler_free(r);
  free(y);
  free(tail);
  sm_analysis_free(a);

  /* NaN and Inf are refused, naming the first bad sample's time. */
  x[2 * 22050 + 1] = NAN;
  a = sm_analyze_pcm(x, frames, 2, 44100, SM_MODE_CLIP);
  const char *e = sm_analysis_error(a);
  CHECK(e && strstr(e, "NaN") && strstr(e, "0.500000 s") && strstr(e, "channel 2"),
        "NaN reason: %s", e ? e : "(none)");
  CHECK(sm_analysis_segments(a) == 0 && sm_analysis_audio(a) == NULL, "no result after an error");
  sm_analysis_free(a);
  x[2 * 100] = INFINITY;
  a = sm_analyze_pcm(x, frames, 2, 44100, SM_MODE_LONG);
  e = sm_analysis_error(a);
  CHECK(e && strstr(e, "infinite") && strstr(e, "frame 100"), "Inf reason: %s", e ? e : "(none)");
  sm_analysis_free(a);
  free(x);
  free(mono);
}

static void test_errors(void) {
  float one = 0.0f;
  sm_analysis *a = sm_analyze_pcm(&one, 0, 1, 16000, SM_MODE_CLIP);
  const char *e = sm_analysis_error(a);
  CHECK(e && strstr(e, "no audio samples"), "empty: %s", e ? e : "(none)");
  CHECK(sm_analysis_segments(a) == 0 && sm_segment_logmel(a, 0) == NULL, "empty has no segments");
  sm_analysis_free(a);
  struct {
    int ch;
    double rate;
    int mode;
  } bad[] = {{0, 16000, 0}, {-2, 16000, 0}, {1, 0, 0},
             {1, 1e6, 0},   {1, NAN, 0},    {1, 16000, SM_MODE_BLEND + 1},
             {1, 16000, -1}};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    a = sm_analyze_pcm(&one, 1, bad[i].ch, bad[i].rate, bad[i].mode);
    CHECK(sm_analysis_error(a) != NULL, "bad case %zu accepted", i);
    sm_analysis_free(a);
  }
  /* Silence is valid audio; a single sample too. */
  float *z = calloc(5000, sizeof(float));
  a = sm_analyze_pcm(z, 5000, 1, 16000, SM_MODE_CLIP);
  CHECK(!sm_analysis_error(a) && sm_analysis_segments(a) == 1, "silence: %s",
        sm_analysis_error(a) ? sm_analysis_error(a) : "");
  const float *fp = sm_segment_fingerprint(a, 0), *d = sm_segment_descriptors(a, 0);
  if (fp && d) {
    CHECK(fp[0] == 0.0f && fp[1023] == 0.0f, "silent fingerprint is zero");
    CHECK(d[SM_DESC_RMS] == 0.0f && d[SM_DESC_CENTROID] == 0.0f, "silent descriptors");
  }
  sm_analysis_free(a);
  a = sm_analyze_pcm(z, 1, 1, 8000, SM_MODE_LONG);
  CHECK(!sm_analysis_error(a) && sm_analysis_segments(a) == 1 && sm_analysis_audio_length(a) == 2,
        "one sample at 8 kHz");
  sm_analysis_free(a);
  free(z);
  /* 70000 samples at 1 Hz would be 1.1 G samples at 16 kHz: refused before allocating. */
  z = calloc(70000, sizeof(float));
  a = sm_analyze_pcm(z, 70000, 1, 1.0, SM_MODE_CLIP);
  e = sm_analysis_error(a);
  CHECK(e && strstr(e, "too long"), "over-long signal: %s", e ? e : "(none)");
  sm_analysis_free(a);
  free(z);
  sm_analysis_free(NULL);
  CHECK(sm_analysis_segments(NULL) == 0 && sm_segment_fingerprint(NULL, 0) == NULL, "NULL");
}

static void test_clip_centring(void) {
  size_t n = 48000;
  const size_t at[] = {20000, 100, 48000 - 50, 7800};
  for (size_t c = 0; c < sizeof at / sizeof *at; c++) {
    float *x = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++)
      x[i] = 0.01f * noise();
    x[at[c]] = 0.9f;
    sm_analysis *a = sm_analyze_pcm(x, n, 1, 16000, SM_MODE_CLIP);
    CHECK(!sm_analysis_error(a) && sm_analysis_segments(a) == 1, "clip analysis");
    CHECK(memcmp(sm_analysis_audio(a), x, n * sizeof(float)) == 0, "16 kHz is copied exactly");
    int64_t s = (int64_t)at[c] - 7800;
    double lo = s < 0 ? 0 : (double)s;
    double hi = fmin((double)n, (double)(s + SM_PATCH_SAMPLES));
    CHECK_NEAR(sm_segment_start(a, 0), lo / 16000, 1e-12, "clip start");
    CHECK_NEAR(sm_segment_length(a, 0), (hi - lo) / 16000, 1e-12, "clip length (clamped)");
    const float *lm = sm_segment_logmel(a, 0);
    int t = lm ? loudest_frame(lm) : -1;
    CHECK(t == 47 || t == 48, "click at %zu: loudest frame %d, expected 47 or 48 (centre)", at[c],
          t);
    float *ref = malloc(SM_PATCH_FRAMES * SM_NMEL * sizeof(float));
    expected_patch(x, n, s, ref);
    CHECK(lm && memcmp(lm, ref, SM_PATCH_FRAMES * SM_NMEL * sizeof(float)) == 0, "clip patch");
    CHECK(sm_segment_patches(a, 0) == 1 && sm_segment_patch_logmel(a, 0, 0) == lm &&
              sm_segment_patch_logmel(a, 0, 1) == NULL,
          "clip patches");
    free(ref);
    free(x);
    sm_analysis_free(a);
  }
}

static void test_long(void) {
  const size_t lens[] = {100, 400, 15599, 15600, 15601, 23280, 23281, 5 * 16000 + 123};
  for (size_t c = 0; c < sizeof lens / sizeof *lens; c++) {
    size_t n = lens[c];
    float *x = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++)
      x[i] = 0.3f * noise();
    sm_analysis *a = sm_analyze_pcm(x, n, 1, 16000, SM_MODE_LONG);
    /* Smallest W with 15600 + 7680 (W - 1) >= n. */
    int W = 1;
    while (15600 + 7680 * (size_t)(W - 1) < n)
      W++;
    int got = sm_analysis_segments(a);
    CHECK(!sm_analysis_error(a) && got == W, "n=%zu: %d windows, expected %d", n, got, W);
    int ok = 1;
    for (int p = 0; p < got && p < W; p++) {
      double len = fmin(15600.0, (double)n - 7680.0 * p) / 16000;
      ok &= fabs(sm_segment_start(a, p) - 0.48 * p) < 1e-12;
      ok &= fabs(sm_segment_length(a, p) - len) < 1e-12;
    }
    CHECK(ok, "n=%zu: starts every 0.48 s, lengths clamped to the signal", n);
    /* First and last window's log-mel as computed directly. */
    float *ref = malloc(SM_PATCH_FRAMES * SM_NMEL * sizeof(float));
    for (int p = 0; p<got; p += got - 1> 0 ? got - 1 : 1) {
      expected_patch(x, n, (int64_t)p * 7680, ref);
      const float *lm = sm_segment_logmel(a, p);
      double err = 0;
      for (int i = 0; lm && i < SM_PATCH_FRAMES * SM_NMEL; i++)
        err = fmax(err, fabs(lm[i] - ref[i]));
      CHECK(lm && err == 0.0, "n=%zu window %d log-mel differs by %g", n, p, err);
    }
    free(ref);
    free(x);
    sm_analysis_free(a);
  }
}

static void test_whole(void) {
  size_t n = 64000; /* 2 s of 1 kHz, then 2 s of 3 kHz */
  float *x = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++)
    x[i] = (float)(0.5 * sin(2 * PI * (i < n / 2 ? 1000.0 : 3000.0) * i / 16000));
  x[40000] = 0.95f;
  sm_analysis *w = sm_analyze_pcm(x, n, 1, 16000, SM_MODE_WHOLE);
  sm_analysis *l = sm_analyze_pcm(x, n, 1, 16000, SM_MODE_LONG);
  sm_analysis *c = sm_analyze_pcm(x, n, 1, 16000, SM_MODE_CLIP);
  CHECK(!sm_analysis_error(w) && sm_analysis_segments(w) == 1, "whole: one segment");
  int P = sm_analysis_segments(l);
  CHECK(sm_segment_patches(w, 0) == P, "whole averages %d patches, long has %d windows",
        sm_segment_patches(w, 0), P);
  CHECK_NEAR(sm_segment_start(w, 0), 0.0, 0, "whole start");
  CHECK_NEAR(sm_segment_length(w, 0), 4.0, 1e-12, "whole length");
  double err = 0;
  const float *fw = sm_segment_fingerprint(w, 0);
  for (int i = 0; fw && i < SM_FP * SM_FP; i++) {
    double mean = 0;
    for (int p = 0; p < P; p++)
      mean += sm_segment_fingerprint(l, p)[i];
    err = fmax(err, fabs(fw[i] - mean / P));
  }
  CHECK(fw && err < 1e-5, "whole fingerprint = mean of the windows' (err %g)", err);
  int same = 1;
  for (int p = 0; p < P; p++)
    same &= sm_segment_patch_logmel(w, 0, p) &&
            memcmp(sm_segment_patch_logmel(w, 0, p), sm_segment_logmel(l, p),
                   SM_PATCH_FRAMES * SM_NMEL * sizeof(float)) == 0;
  CHECK(same, "whole patches are the long-mode windows");
  CHECK(sm_segment_logmel(w, 0) && memcmp(sm_segment_logmel(w, 0), sm_segment_logmel(c, 0),
                                          SM_PATCH_FRAMES * SM_NMEL * sizeof(float)) == 0,
        "whole keeps the peak-centred patch for the sprite");
  const float *d = sm_segment_descriptors(w, 0);
  if (d) {
    CHECK(d[SM_DESC_CENTROID] > 1500 && d[SM_DESC_CENTROID] < 2500, "whole centroid %g between",
          d[SM_DESC_CENTROID]);
    CHECK_NEAR(d[SM_DESC_DURATION], 4.0, 1e-6, "whole duration");
  }
  sm_analysis_free(w);
  sm_analysis_free(l);
  sm_analysis_free(c);
  free(x);
}

static void test_descriptors(void) {
  size_t n = 32000;
  float *x = tone(n, 16000, 1000, 0.5);
  sm_analysis *a = sm_analyze_pcm(x, n, 1, 16000, SM_MODE_CLIP);
  const float *d = sm_segment_descriptors(a, 0);
  CHECK(d != NULL, "tone descriptors");
  if (d) {
    printf(
        "1 kHz tone: centroid %.1f Hz, roll-off %.1f Hz, bandwidth %.1f Hz, RMS %.5f, ZCR %.5f\n",
        d[0], d[1], d[2], d[3], d[4]);
    CHECK_NEAR(d[SM_DESC_CENTROID], 1000, 20, "tone centroid");
    CHECK(d[SM_DESC_ROLLOFF] >= 1000 - 31.25 && d[SM_DESC_ROLLOFF] <= 1000 + 2 * 31.25,
          "tone roll-off %g", d[SM_DESC_ROLLOFF]);
    CHECK(d[SM_DESC_BANDWIDTH] < 300, "tone bandwidth %g", d[SM_DESC_BANDWIDTH]);
    CHECK_NEAR(d[SM_DESC_RMS], 0.5 / sqrt(2.0), 1e-3, "tone RMS = A / sqrt 2");
    CHECK_NEAR(d[SM_DESC_ZCR], 2.0 * 1000 / 16000, 2e-3, "tone ZCR = 2 f / rate");
    CHECK_NEAR(d[SM_DESC_DURATION], 2.0, 1e-9, "duration");
  }
  /* The fingerprint ignores the level. */
  const float *fp = sm_segment_fingerprint(a, 0);
  float *q = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++)
    q[i] = x[i] * 0.01f + 0.002f * noise();
  for (size_t i = 0; i < n; i++)
    x[i] = x[i] + 0.2f * (q[i] - x[i] * 0.01f);
  sm_analysis_free(a);
  a = sm_analyze_pcm(x, n, 1, 16000, SM_MODE_LONG); /* tone + noise, loud */
  for (size_t i = 0; i < n; i++)
    q[i] = x[i] * 0.01f;
  sm_analysis *b = sm_analyze_pcm(q, n, 1, 16000, SM_MODE_LONG); /* the same, 40 dB down */
  double err = 0, lo = 1, hi = 0;
  for (int s = 0; s < sm_analysis_segments(a); s++) {
    const float *fa = sm_segment_fingerprint(a, s), *fb = sm_segment_fingerprint(b, s);
    for (int i = 0; fa && fb && i < SM_FP * SM_FP; i++) {
      err = fmax(err, fabs(fa[i] - fb[i]));
      lo = fmin(lo, fa[i]);
      hi = fmax(hi, fa[i]);
    }
  }
  CHECK(err < 1e-3, "fingerprint changes by %g at -40 dB", err);
  CHECK(lo >= 0 && hi <= 1 && hi > 0.5, "fingerprint range %g..%g", lo, hi);
  (void)fp;
  sm_analysis_free(a);
  sm_analysis_free(b);
  free(q);
  free(x);
  /* White noise: centroid near 4 kHz, roll-off near 0.85 x 8 kHz, wide band. */
  x = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++)
    x[i] = 0.5f * noise();
  a = sm_analyze_pcm(x, n, 1, 16000, SM_MODE_CLIP);
  d = sm_segment_descriptors(a, 0);
  if (d) {
    CHECK_NEAR(d[SM_DESC_CENTROID], 4000, 150, "noise centroid");
    CHECK_NEAR(d[SM_DESC_ROLLOFF], 6800, 150, "noise roll-off");
    CHECK(d[SM_DESC_BANDWIDTH] > 2000, "noise bandwidth %g", d[SM_DESC_BANDWIDTH]);
    CHECK_NEAR(d[SM_DESC_ZCR], 0.5, 0.03, "noise ZCR");
  }
  sm_analysis_free(a);
  free(x);
  /* A 3 kHz tone at 44.1 kHz, through the resampler. */
  n = 44100;
  x = tone(n, 44100, 3000, 0.25);
  a = sm_analyze_pcm(x, n, 1, 44100, SM_MODE_CLIP);
  d = sm_segment_descriptors(a, 0);
  if (d) {
    CHECK_NEAR(d[SM_DESC_CENTROID], 3000, 20, "44.1 kHz tone centroid");
    CHECK_NEAR(d[SM_DESC_ZCR], 2.0 * 3000 / 16000, 3e-3, "44.1 kHz tone ZCR at 16 kHz");
    CHECK_NEAR(d[SM_DESC_RMS], 0.25 / sqrt(2.0), 1e-3, "44.1 kHz tone RMS");
  }
  sm_analysis_free(a);
  free(x);
}

static void test_fingerprint_definition(void) {
  float patch[SM_PATCH_FRAMES * SM_NMEL], fp[SM_FP * SM_FP];
  /* Even bands (2b) at mel 1, odd bands at mel 1e-3 (-60 dB): each cell mean -30 dB -> 0.625;
   * frames 48.. all at 1e-5 (-100 dB -> clipped at -80) -> 0. */
  for (int t = 0; t < SM_PATCH_FRAMES; t++)
    for (int m = 0; m < SM_NMEL; m++) {
      double mel = t >= 48 ? 1e-5 : (m % 2 == 0 ? 1.0 : 1e-3);
      patch[t * SM_NMEL + m] = (float)log(mel + 0.001);
    }
  ana_fingerprint(patch, fp);
  CHECK_NEAR(fp[0], 1.0 - 30.0 / 80.0, 1e-4, "mixed cell");
  CHECK_NEAR(fp[15 * SM_FP + 31], 1.0 - 30.0 / 80.0, 1e-4, "mixed cell, top band");
  CHECK_NEAR(fp[16 * SM_FP + 3], 0.0, 1e-6, "cells below -80 dB");
}

static void test_files(void) {
  size_t nw, nf, nr;
  uint8_t *wav = load(FIX "stereo44k.wav", &nw);
  uint8_t *flac = load(FIX "stereo44k.flac", &nf);
  uint8_t *raw = load(FIX "stereo44k.f32", &nr);
  CHECK(wav && flac && raw, "fixtures missing: run `make fixtures` (%s)", FIX);
  if (wav && flac && raw) {
    size_t frames = nr / 8;
    sm_analysis *p = sm_analyze_pcm((const float *)raw, frames, 2, 44100, SM_MODE_LONG);
    sm_analysis *a = sm_analyze_file(wav, nw, SM_MODE_LONG);
    sm_analysis *b = sm_analyze_file(flac, nf, SM_MODE_LONG);
    CHECK(!sm_analysis_error(a), "wav: %s", sm_analysis_error(a));
    CHECK(!sm_analysis_error(b), "flac: %s", sm_analysis_error(b));
    CHECK(strcmp(sm_analysis_format(a), "wav") == 0 && strcmp(sm_analysis_format(b), "flac") == 0,
          "formats %s %s", sm_analysis_format(a), sm_analysis_format(b));
    CHECK(sm_analysis_source_rate(a) == 44100 && sm_analysis_source_channels(a) == 2, "wav source");
    CHECK_NEAR(sm_analysis_duration(a), frames / 44100.0, 1e-9, "wav duration");
    CHECK_NEAR(sm_analysis_duration(b), frames / 44100.0, 1e-9, "flac duration");
    size_t n = sm_analysis_audio_length(p);
    CHECK(n == (size_t)ceil(frames * 16000.0 / 44100 - 1e-9), "16 kHz length %zu", n);
    CHECK(sm_analysis_audio_length(a) == n && sm_analysis_audio(a) &&
              memcmp(sm_analysis_audio(a), sm_analysis_audio(p), n * sizeof(float)) == 0,
          "wav decodes to the same 16 kHz signal as its PCM");
    CHECK(sm_analysis_audio_length(b) == n && sm_analysis_audio(b) &&
              memcmp(sm_analysis_audio(b), sm_analysis_audio(p), n * sizeof(float)) == 0,
          "flac decodes to the same 16 kHz signal as its PCM");
    CHECK(sm_analysis_segments(a) == sm_analysis_segments(p) && sm_analysis_segments(a) == 5,
          "wav: %d segments", sm_analysis_segments(a));
    /* Down-mix of 1 kHz and 3 kHz at equal level: centroid in between; silence at the end. */
    const float *d0 = sm_segment_descriptors(a, 0), *d4 = sm_segment_descriptors(a, 4);
    if (d0 && d4) {
      CHECK_NEAR(d0[SM_DESC_CENTROID], 2000, 60, "wav centroid");
      CHECK(d4[SM_DESC_RMS] < 0.05 * d0[SM_DESC_RMS], "last window is mostly silence");
    }
    /* Decode only (sm_decode_file): the same 16 kHz signal, no segments; errors still named. */
    sm_analysis *o = sm_decode_file(flac, nf);
    CHECK(o && !sm_analysis_error(o) && sm_analysis_segments(o) == 0, "decode only: no segments");
    CHECK(sm_analysis_audio_length(o) == n && sm_analysis_audio(o) &&
              memcmp(sm_analysis_audio(o), sm_analysis_audio(p), n * sizeof(float)) == 0,
          "decode only: the same 16 kHz signal");
    CHECK_NEAR(sm_analysis_duration(o), frames / 44100.0, 1e-9, "decode only: duration");
    sm_analysis_free(o);
    o = sm_decode_file(wav, 30);
    CHECK(o && sm_analysis_error(o) && sm_analysis_audio_length(o) == 0, "decode only: a reason");
    sm_analysis_free(o);
    sm_analysis_free(p);
    sm_analysis_free(a);
    sm_analysis_free(b);
    /* A truncated header: the decoder's reason comes through. */
    a = sm_analyze_file(wav, 30, SM_MODE_CLIP);
    const char *e = sm_analysis_error(a);
    CHECK(e && e[0] && sm_analysis_segments(a) == 0, "truncated wav accepted");
    printf("truncated WAV: %s\n", e ? e : "(none)");
    sm_analysis_free(a);
  }
  free(wav);
  free(flac);
  free(raw);
  /* A float WAV with a NaN at frame 3000 of 8000 Hz mono. */
  {
    uint32_t frames = 8000;
    size_t len = 44 + (size_t)frames * 4;
    uint8_t *w = calloc(1, len);
    float v;
    memcpy(w, "RIFF", 4);
    uint32_t u = (uint32_t)(len - 8);
    memcpy(w + 4, &u, 4);
    memcpy(w + 8, "WAVEfmt ", 8);
    u = 16;
    memcpy(w + 16, &u, 4);
    uint16_t h = 3; /* IEEE float */
    memcpy(w + 20, &h, 2);
    h = 1;
    memcpy(w + 22, &h, 2);
    u = 8000;
    memcpy(w + 24, &u, 4);
    u = 32000;
    memcpy(w + 28, &u, 4);
    h = 4;
    memcpy(w + 32, &h, 2);
    h = 32;
    memcpy(w + 34, &h, 2);
    memcpy(w + 36, "data", 4);
    u = frames * 4;
    memcpy(w + 40, &u, 4);
    for (uint32_t i = 0; i < frames; i++) {
      v = i == 3000 ? NAN : 0.1f * (float)sin(i * 0.3);
      memcpy(w + 44 + 4 * i, &v, 4);
    }
    sm_analysis *a = sm_analyze_file(w, len, SM_MODE_CLIP);
    const char *e = sm_analysis_error(a);
    CHECK(e && strstr(e, "NaN") && strstr(e, "0.375000 s"), "float WAV NaN: %s", e ? e : "(none)");
    sm_analysis_free(a);
    w[44 + 4 * 3000 + 3] = 0; /* make that sample finite again */
    memset(w + 44 + 4 * 3000, 0, 4);
    a = sm_analyze_file(w, len, SM_MODE_CLIP);
    CHECK(!sm_analysis_error(a) && sm_analysis_audio_length(a) == 16000, "float WAV: %s",
          sm_analysis_error(a) ? sm_analysis_error(a) : "");
    sm_analysis_free(a);
    free(w);
  }
  sm_analysis *a = sm_analyze_file(NULL, 0, SM_MODE_CLIP);
  CHECK(sm_analysis_error(a) != NULL, "empty file accepted");
  sm_analysis_free(a);
}

int main(void) {
  test_pcm_stereo();
  test_errors();
  test_clip_centring();
  test_long();
  test_whole();
  test_descriptors();
  test_fingerprint_definition();
  test_files();
  return check_report("test_analysis");
}
