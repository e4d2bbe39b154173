/* test_resample.c — stop-band rejection and passband ripple measured with sine tones, streaming
 * equals one-shot, time alignment of a click, identity copy, output length, bad rates. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dsp/resample.h"

#define PI 3.14159265358979323846
#define OUT_RATE 16000

static uint32_t rng_state = 12345u;
static uint32_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 17;
  rng_state ^= rng_state << 5;
  return rng_state;
}

/* Resample x (n samples at in_rate) in blocks of random size (max_block 0: one call); returns
 * the output (caller frees) and its length. */
static float *resample(double in_rate, const float *x, size_t n, size_t max_block, size_t *n_out) {
  char err[128];
  dsp_resampler *r = dsp_resampler_new(in_rate, OUT_RATE, err, sizeof err);
  if (!r) {
    *n_out = 0;
    return NULL;
  }
  size_t cap = (size_t)dsp_resampler_out_length(r, n) + 1;
  float *y = malloc(cap * sizeof(float));
  size_t o = 0, i = 0;
  int over_bound = 0, overflow = 0;
  while (i < n) {
    size_t b = max_block ? rng() % (max_block + 1) : n - i;
    if (b > n - i)
      b = n - i;
    size_t bound = dsp_resampler_max_out(r, b);
    float *tmp = malloc((bound + 1) * sizeof(float));
    size_t got = dsp_resampler_process(r, x + i, b, tmp);
    over_bound |= got > bound;
    overflow |= o + got > cap;
    if (o + got <= cap)
      memcpy(y + o, tmp, got * sizeof(float));
    o += got;
    i += b;
    free(tmp);
  }
  size_t bound = dsp_resampler_max_out(r, 0);
  float *tmp = malloc((bound + 1) * sizeof(float));
  size_t got = dsp_resampler_finish(r, tmp);
  CHECK(got <= bound, "finish wrote %zu > bound %zu", got, bound);
  CHECK(o + got <= cap, "too many outputs");
  if (o + got <= cap)
    memcpy(y + o, tmp, got * sizeof(float));
  o += got;
  CHECK(dsp_resampler_finish(r, tmp) == 0, "second finish writes nothing");
  free(tmp);
  CHECK(!over_bound, "%g Hz: a process call wrote more than dsp_resampler_max_out", in_rate);
  CHECK(!overflow, "%g Hz: more outputs than dsp_resampler_out_length", in_rate);
  dsp_resampler_free(r);
  *n_out = o < cap ? o : cap;
  return y;
}

/* Amplitude of the component at frequency f (Hz) in y[start .. start+len) at OUT_RATE:
 * single-bin DFT with a Hann window. */
static double tone_amplitude(const float *y, size_t start, size_t len, double f) {
  /* Rotating phasors (renormalised now and then) instead of cos/sin per sample. */
  double re = 0, im = 0, wsum = 0;
  double ph0 = 2 * PI * f * (double)start / OUT_RATE, dph = 2 * PI * f / OUT_RATE;
  double cr = cos(ph0), ci = -sin(ph0), sr = cos(dph), si = -sin(dph);
  double wr = cos(PI / len), wi = sin(PI / len), dr = cos(2 * PI / len), di = sin(2 * PI / len);
  for (size_t i = 0; i < len; i++) {
    double w = 0.5 - 0.5 * wr; /* Hann at (i + 0.5) / len */
    re += w * y[start + i] * cr;
    im += w * y[start + i] * ci;
    wsum += w;
    double t = cr * sr - ci * si;
    ci = cr * si + ci * sr;
    cr = t;
    t = wr * dr - wi * di;
    wi = wr * di + wi * dr;
    wr = t;
    if ((i & 1023) == 1023) {
      double m = 1.0 / sqrt(cr * cr + ci * ci);
      cr *= m;
      ci *= m;
    }
  }
  return 2.0 * sqrt(re * re + im * im) / wsum;
}

/* Output amplitude / input amplitude for a tone of frequency f at in_rate, measured at
 * output frequency g (f itself in the passband, its alias or image in the stopband). */
static double tone_gain(double in_rate, double f, double g, double seconds) {
  size_t n = (size_t)(seconds * in_rate);
  float *x = malloc(n * sizeof(float));
  const double A = 0.5;
  for (size_t i = 0; i < n; i++)
    x[i] = (float)(A * sin(2 * PI * f * i / in_rate + 0.3));
  size_t m;
  float *y = resample(in_rate, x, n, 0, &m);
  double edge = 0.125 * OUT_RATE;
  double amp = 0;
  if (y && m > 2 * edge)
    amp = tone_amplitude(y, (size_t)edge, m - 2 * (size_t)edge, g) / A;
  free(x);
  free(y);
  return amp;
}

static double fold(double f) { /* alias of f into 0 .. OUT_RATE / 2 */
  f = fmod(f, (double)OUT_RATE);
  return f > OUT_RATE / 2 ? OUT_RATE - f : f;
}

static void measure_rate(double in_rate, int tones, double seconds) {
  double band = 0.5 * fmin(in_rate, OUT_RATE);
  double pass_top = fmin(7000.0, 0.9 * band);
  /* Passband: tones from 40 Hz to pass_top, gain in dB. */
  dsp_resampler *r = dsp_resampler_new(in_rate, OUT_RATE, NULL, 0);
  int taps = dsp_resampler_taps(r);
  dsp_resampler_free(r);
  double ripple = 0;
  for (int t = 0; t < tones; t++) {
    double f = 40.0 + (pass_top - 40.0) * t / (tones - 1) + 0.37;
    if (f > pass_top)
      f = pass_top;
    double db = 20 * log10(tone_gain(in_rate, f, f, seconds));
    if (fabs(db) > ripple)
      ripple = fabs(db);
  }
  /* Stopband: downsampling, tones above the new Nyquist alias to fold(f); upsampling, a
   * passband tone's image at in_rate - f must vanish. Keep 50 Hz away from 0 and 8000 Hz so
   * that the single-bin measurement separates the tone from its mirror. */
  double worst = -400;
  int measured = 0;
  for (int t = 0; t < tones; t++) {
    double f, g;
    /* Half the tones within 1 kHz of the band edge (where the worst sidelobes are), half
     * spread over the rest of the stopband. */
    int h = tones / 2;
    double a = t < h ? (double)t / h : (double)(t - h) / (tones - h - 1);
    if (in_rate > OUT_RATE) {
      double lo = OUT_RATE / 2 + 50.0, hi = in_rate / 2 - 50.0, mid = fmin(lo + 1000.0, hi);
      f = t < h ? lo + (mid - lo) * a : mid + (hi - mid) * a;
      g = fold(f + 0.37);
    } else {
      /* Tones from the passband top down: the image at in_rate - f, upwards from the edge. */
      double hi = 0.9 * band, lo = fmax(50.0, in_rate - (OUT_RATE / 2 - 50.0));
      double mid = fmax(lo, hi - 1000.0 * in_rate / 16000.0);
      f = t < h ? hi - (hi - mid) * a : mid - (mid - lo) * a;
      g = fold(in_rate - f - 0.37);
    }
    f += 0.37;
    if (g < 49.0 || g > OUT_RATE / 2 - 49.0)
      continue;
    double db = 20 * log10(tone_gain(in_rate, f, g, seconds) + 1e-30);
    if (db > worst)
      worst = db;
    measured++;
  }
  printf("  %8.1f Hz -> 16000: stopband worst %7.1f dB (%d tones), passband ripple %.4f dB "
         "(0..%.0f Hz), %d taps\n",
         in_rate, worst, measured, ripple, pass_top, taps);
  CHECK(measured > 0, "no stopband tones measured for %g", in_rate);
  CHECK(worst <= -80.0, "%g Hz: stopband only %.1f dB", in_rate, worst);
  CHECK(ripple <= 0.1, "%g Hz: passband ripple %.4f dB", in_rate, ripple);
}

static void test_streaming(double in_rate) {
  size_t n = (size_t)(0.7 * in_rate) + 3;
  float *x = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++)
    x[i] = (float)((int)(rng() % 2001) - 1000) / 1000.0f;
  size_t m1, m2, m3;
  float *y1 = resample(in_rate, x, n, 0, &m1);
  float *y2 = resample(in_rate, x, n, 3000, &m2);
  float *y3 = resample(in_rate, x, n, 7, &m3);
  CHECK(m1 == m2 && m1 == m3, "%g: lengths %zu %zu %zu", in_rate, m1, m2, m3);
  size_t expect = (size_t)ceil((double)n * OUT_RATE / in_rate - 1e-9);
  CHECK(m1 == expect, "%g: length %zu, expected %zu", in_rate, m1, expect);
  CHECK(m1 == m2 && y1 && y2 && memcmp(y1, y2, m1 * sizeof(float)) == 0,
        "%g: random blocks differ from one call", in_rate);
  CHECK(m1 == m3 && y1 && y3 && memcmp(y1, y3, m1 * sizeof(float)) == 0,
        "%g: tiny blocks differ from one call", in_rate);
  free(x);
  free(y1);
  free(y2);
  free(y3);
}

static void test_click(double in_rate) {
  size_t n = (size_t)in_rate; /* 1 s */
  float *x = calloc(n, sizeof(float));
  size_t at = (size_t)llround(0.5 * in_rate);
  x[at] = 1.0f;
  size_t m;
  float *y = resample(in_rate, x, n, 1000, &m);
  size_t best = 0;
  for (size_t i = 1; i < m; i++)
    if (fabsf(y[i]) > fabsf(y[best]))
      best = i;
  long d = (long)best - 8000;
  CHECK(labs(d) <= 1, "%g Hz: click at 0.5 s landed at %zu", in_rate, best);
  free(x);
  free(y);
}

static void test_dc(double in_rate) {
  size_t n = (size_t)(0.5 * in_rate);
  float *x = malloc(n * sizeof(float));
  for (size_t i = 0; i < n; i++)
    x[i] = 0.25f;
  size_t m;
  float *y = resample(in_rate, x, n, 0, &m);
  double worst = 0;
  for (size_t i = m / 4; i < 3 * m / 4; i++)
    worst = fmax(worst, fabs(y[i] - 0.25));
  CHECK(worst < 1e-5, "%g Hz: DC gain error %g", in_rate, worst);
  free(x);
  free(y);
}

int main(void) {
  printf("stopband / passband (single-bin DFT of tones, Hann window):\n");
  const double rates[] = {8000, 11025, 22050, 32000, 44100, 48000, 96000};
  for (size_t i = 0; i < sizeof rates / sizeof *rates; i++)
    measure_rate(rates[i], 16, 0.75);
  /* Odd ratios: an interpolated table (44101), a fractional rate, the extremes. */
  measure_rate(44101, 8, 0.75);
  measure_rate(22050.5, 8, 0.75);
  measure_rate(1000, 6, 1.0);
  measure_rate(768000, 4, 0.4);

  const double srates[] = {8000, 11025, 44100, 48000, 44101, 22050.5, 1000, 192000};
  for (size_t i = 0; i < sizeof srates / sizeof *srates; i++) {
    test_streaming(srates[i]);
    test_click(srates[i]);
    test_dc(srates[i]);
  }
  test_click(22050);
  test_click(96000);

  /* Identity: an exact copy, any blocks. */
  {
    size_t n = 20011;
    float *x = malloc(n * sizeof(float));
    for (size_t i = 0; i < n; i++)
      x[i] = (float)sin(0.001 * i * i);
    size_t m;
    float *y = resample(16000, x, n, 333, &m);
    CHECK(m == n && y && memcmp(x, y, n * sizeof(float)) == 0, "16000 -> 16000 is not a copy");
    free(x);
    free(y);
  }
  /* Empty input gives no output; bad rates are refused with a reason. */
  {
    char err[128] = "";
    dsp_resampler *r = dsp_resampler_new(44100, OUT_RATE, err, sizeof err);
    float out[8];
    CHECK(r && dsp_resampler_finish(r, out) == 0, "empty input gives output");
    dsp_resampler_free(r);
    const double bad[] = {0, -1, 0.5, 768001, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
      err[0] = 0;
      r = dsp_resampler_new(bad[i], OUT_RATE, err, sizeof err);
      CHECK(r == NULL && strstr(err, "sample rate"), "rate %g accepted (%s)", bad[i], err);
      dsp_resampler_free(r);
    }
  }
  return check_report("test_resample");
}
