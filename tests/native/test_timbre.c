/* test_timbre.c — the timbre feature and the onset / blend windows against an independent
 * numpy computation (tests/fixtures/timbre_ref.py, written by `make fixtures` to
 * build/fixtures/timbre/), plus the blend mode's patches and weights. */
#include <stdlib.h>
#include <string.h>

#include "analyze/segment.h"
#include "check.h"
#include "files.h"
#include "sonomap.h"

#define DIR "build/fixtures/timbre/"

/* Log-mel differs from numpy's float64 by float32 rounding: MFCC statistics to ~1e-3. */
static void check_timbre(const float *got, const float *want, const char *what) {
  double worst = 0;
  int at = -1;
  for (int k = 0; k < SM_NTIMBRE; k++) {
    double e = fabs(got[k] - want[k]) / (1.0 + fabs(want[k]));
    if (e > worst)
      worst = e, at = k;
  }
  CHECK(worst < 2e-3, "%s: timbre[%d] %.6g vs numpy %.6g", what, at, at >= 0 ? got[at] : 0.0,
        at >= 0 ? want[at] : 0.0);
}

static float *load_ref(const char *name, size_t want) {
  char path[256];
  size_t n;
  snprintf(path, sizeof path, DIR "%s", name);
  float *v = read_f32(path, &n);
  CHECK(v && n == want, "%s: %zu floats, expected %zu (run make fixtures)", path, n, want);
  if (v && n != want) {
    free(v);
    v = NULL;
  }
  return v;
}

static void against_numpy(void) {
  size_t n;
  float *x = read_f32(DIR "signal.f32", &n);
  CHECK(x != NULL, DIR "signal.f32 missing (run make fixtures)");
  if (!x)
    return;
  float *starts = load_ref("starts.f32", 2), *clip = load_ref("timbre_clip.f32", SM_NTIMBRE);
  float *onset = load_ref("timbre_onset.f32", SM_NTIMBRE),
        *whole = load_ref("timbre_whole.f32", SM_NTIMBRE);
  size_t W = ana_long_windows(n);
  float *lng = load_ref("timbre_long.f32", W * SM_NTIMBRE);
  if (starts && clip && onset && whole && lng) {
    CHECK(ana_clip_window_start(x, n) == (int64_t)starts[0], "clip window start");
    CHECK(ana_onset_window_start(x, n) == (int64_t)starts[1], "onset window start %lld vs %g",
          (long long)ana_onset_window_start(x, n), starts[1]);
    sm_analysis *a = sm_analyze_pcm(x, n, 1, SM_RATE, SM_MODE_CLIP);
    CHECK(!sm_analysis_error(a), "clip analysis");
    if (!sm_analysis_error(a))
      check_timbre(sm_segment_timbre(a, 0), clip, "clip");
    sm_analysis_free(a);
    a = sm_analyze_pcm(x, n, 1, SM_RATE, SM_MODE_ONSET);
    if (!sm_analysis_error(a)) {
      check_timbre(sm_segment_timbre(a, 0), onset, "onset");
      CHECK_NEAR(sm_segment_start(a, 0), (double)starts[1] / SM_RATE, 1e-9, "onset segment start");
      CHECK_NEAR(sm_segment_length(a, 0), (double)SM_PATCH_SAMPLES / SM_RATE, 1e-9, "onset length");
    }
    sm_analysis_free(a);
    a = sm_analyze_pcm(x, n, 1, SM_RATE, SM_MODE_WHOLE);
    if (!sm_analysis_error(a))
      check_timbre(sm_segment_timbre(a, 0), whole, "whole");
    sm_analysis_free(a);
    a = sm_analyze_pcm(x, n, 1, SM_RATE, SM_MODE_LONG);
    CHECK(sm_analysis_segments(a) == (int)W, "long windows");
    for (int p = 0; p < sm_analysis_segments(a) && p < (int)W; p++) {
      char what[32];
      snprintf(what, sizeof what, "long window %d", p);
      check_timbre(sm_segment_timbre(a, p), lng + (size_t)p * SM_NTIMBRE, what);
    }
    sm_analysis_free(a);
  }
  free(starts);
  free(clip);
  free(onset);
  free(whole);
  free(lng);
  free(x);
}

/* Blend = onset window (patch 0, weight 1/2) + the whole-mode patches (1/2 shared). */
static void blend(void) {
  const size_t n = 40000;
  float *x = calloc(n, sizeof(float));
  for (size_t i = 8000; i < n; i++)
    x[i] = 0.3f * sinf(0.05f * (float)i) * expf(-(float)(i - 8000) / 20000.0f);
  sm_analysis *o = sm_analyze_pcm(x, n, 1, SM_RATE, SM_MODE_ONSET);
  sm_analysis *w = sm_analyze_pcm(x, n, 1, SM_RATE, SM_MODE_WHOLE);
  sm_analysis *b = sm_analyze_pcm(x, n, 1, SM_RATE, SM_MODE_BLEND);
  CHECK(!sm_analysis_error(o) && !sm_analysis_error(w) && !sm_analysis_error(b), "analyses");
  if (!sm_analysis_error(o) && !sm_analysis_error(w) && !sm_analysis_error(b)) {
    const size_t P = SM_PATCH_FRAMES * SM_NMEL;
    int nw = sm_segment_patches(w, 0), nb = sm_segment_patches(b, 0);
    CHECK(sm_segment_patches(o, 0) == 1 && nb == nw + 1, "blend patches %d, whole %d", nb, nw);
    CHECK(!memcmp(sm_segment_patch_logmel(b, 0, 0), sm_segment_logmel(o, 0), P * sizeof(float)),
          "blend patch 0 is the onset window");
    CHECK(!memcmp(sm_segment_logmel(b, 0), sm_segment_logmel(o, 0), P * sizeof(float)),
          "blend shows the onset window");
    int same = 1;
    for (int p = 0; p < nw; p++)
      same &= !memcmp(sm_segment_patch_logmel(b, 0, p + 1), sm_segment_patch_logmel(w, 0, p),
                      P * sizeof(float));
    CHECK(same, "blend patches 1.. are the whole-mode patches");
    double sum = 0;
    for (int p = 0; p < nb; p++)
      sum += sm_segment_patch_weight(b, 0, p);
    CHECK_NEAR(sum, 1.0, 1e-12, "blend weights sum to 1");
    CHECK_NEAR(sm_segment_patch_weight(b, 0, 0), 0.5, 0, "onset weight");
    CHECK_NEAR(sm_segment_patch_weight(w, 0, nw - 1), 1.0 / nw, 0, "whole weight");
    CHECK(sm_segment_patch_weight(b, 0, nb) == 0 && sm_segment_patch_weight(b, 0, -1) == 0,
          "bad index");
    const float *tb = sm_segment_timbre(b, 0), *to = sm_segment_timbre(o, 0),
                *tw = sm_segment_timbre(w, 0);
    double worst = 0;
    for (int k = 0; k < SM_NTIMBRE; k++)
      worst = fmax(worst, fabs(tb[k] - 0.5 * (to[k] + tw[k])));
    CHECK(worst < 1e-5, "blend timbre is the mean of onset and whole (off by %g)", worst);
    const float *fb = sm_segment_fingerprint(b, 0), *fo = sm_segment_fingerprint(o, 0),
                *fw = sm_segment_fingerprint(w, 0);
    worst = 0;
    for (int k = 0; k < SM_FP * SM_FP; k++)
      worst = fmax(worst, fabs(fb[k] - 0.5 * (fo[k] + fw[k])));
    CHECK(worst < 1e-6, "blend fingerprint is the mean of onset and whole (off by %g)", worst);
    CHECK(!memcmp(sm_segment_descriptors(b, 0), sm_segment_descriptors(w, 0),
                  SM_NDESC * sizeof(float)),
          "blend descriptors are the whole clip's");
    CHECK(sm_segment_start(b, 0) == 0 && sm_segment_length(b, 0) == sm_segment_length(w, 0),
          "blend span");
  }
  sm_analysis_free(o);
  sm_analysis_free(w);
  sm_analysis_free(b);
  /* A silent clip: the onset window starts at 0; an unknown mode is refused. */
  memset(x, 0, n * sizeof(float));
  CHECK(ana_onset_window_start(x, n) == 0, "silent onset");
  sm_analysis *s = sm_analyze_pcm(x, n, 1, SM_RATE, 5);
  CHECK(sm_analysis_error(s) != NULL, "mode 5 refused");
  sm_analysis_free(s);
  free(x);
}

int main(void) {
  against_numpy();
  blend();
  return check_report("test_timbre");
}
