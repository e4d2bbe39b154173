/* resample.c — Kaiser-windowed sinc polyphase resampler; see resample.h. */
#include "dsp/resample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define RS_MAX_RATE 768000.0
#define RS_ATTEN_DB 90.0        /* design stopband attenuation */
#define RS_PASS 0.9             /* passband edge, fraction of band */
#define RS_EXACT_MAX (1u << 19) /* largest exact phase table, floats (2 MiB) */
#define RS_BLOCK 8192           /* input samples buffered beyond one filter length */
#define RS_PI 3.14159265358979323846

struct dsp_resampler {
  double in_rate, step; /* step = in / out, input samples per output sample */
  int out_rate;
  int identity;
  int rational;  /* integer in_rate: positions exact as k * P / Q */
  uint64_t P, Q; /* in / out = P / Q in lowest terms (rational only) */
  int exact;     /* table has one row per phase (Q rows); else NP + 1 interpolated rows */
  int NP;        /* rows - 1 of the interpolated table */
  int H, K;      /* taps j = -H+1 .. -H+K around floor(position); K is a multiple of 8 */
  float *table;  /* rows x K */
  float *buf;    /* input history: absolute indices buf_start .. buf_start + buf_len - 1 */
  size_t cap, buf_len;
  int64_t buf_start;
  uint64_t n_in;   /* input samples received so far */
  uint64_t k_next; /* next output index */
  int finished;
};

static uint64_t gcd_u64(uint64_t a, uint64_t b) {
  while (b) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static double bessel_i0(double x) {
  double sum = 1.0, term = 1.0, q = x * x / 4.0;
  for (int k = 1; k < 500; k++) {
    term *= q / ((double)k * k);
    sum += term;
    if (term < sum * 1e-17)
      break;
  }
  return sum;
}

/* One coefficient row for fractional position frac in [0, 1]: tap i multiplies input
 * floor(position) + i - H + 1, at distance d = frac - (i - H + 1) input samples. The row is
 * normalised to unit sum (exact DC gain for every phase). */
static void make_row(float *row, double *tmp, int K, int H, double frac, double nu, double half,
                     double beta, double i0beta) {
  double sum = 0.0;
  for (int i = 0; i < K; i++) {
    double d = frac - (double)(i - H + 1);
    double v = 0.0;
    if (fabs(d) < half) {
      double x = 2.0 * nu * d;
      double sinc = fabs(x) < 1e-12 ? 1.0 : sin(RS_PI * x) / (RS_PI * x);
      double r = d / half;
      double w = bessel_i0(beta * sqrt(1.0 - r * r)) / i0beta;
      v = 2.0 * nu * sinc * w;
    }
    tmp[i] = v;
    sum += v;
  }
  for (int i = 0; i < K; i++)
    row[i] = (float)(tmp[i] / sum);
}

dsp_resampler *dsp_resampler_new(double in_rate, int out_rate, char *err, size_t errlen) {
  if (!(in_rate >= 1.0 && in_rate <= RS_MAX_RATE)) {
    if (err && errlen)
      snprintf(err, errlen, "unsupported sample rate %g Hz (1..768000)", in_rate);
    return NULL;
  }
  if (out_rate < 1 || out_rate > (int)RS_MAX_RATE) {
    if (err && errlen)
      snprintf(err, errlen, "unsupported output rate %d Hz (1..768000)", out_rate);
    return NULL;
  }
  dsp_resampler *r = calloc(1, sizeof *r);
  if (!r)
    goto oom;
  r->in_rate = in_rate;
  r->out_rate = out_rate;
  r->step = in_rate / out_rate;
  if (in_rate == (double)out_rate) {
    r->identity = 1;
    return r;
  }
  if (in_rate == floor(in_rate)) {
    uint64_t a = (uint64_t)in_rate, b = (uint64_t)out_rate, g = gcd_u64(a, b);
    r->rational = 1;
    r->P = a / g;
    r->Q = b / g;
  }
  /* Kaiser design: transition band 0.1 band wide, centred cutoff 0.95 band. */
  double band = 0.5 * fmin(in_rate, (double)out_rate);
  double nu = 0.5 * (1.0 + RS_PASS) * band / in_rate;         /* cutoff, cycles per input sample */
  double dw = 2.0 * RS_PI * (1.0 - RS_PASS) * band / in_rate; /* transition, rad per input sample */
  double order = (RS_ATTEN_DB - 7.95) / (2.285 * dw);
  double half = 0.5 * order; /* input samples each side */
  double beta = 0.1102 * (RS_ATTEN_DB - 8.7);
  double i0beta = bessel_i0(beta);
  int H = (int)ceil(half) + 1;
  int K = (2 * H + 7) & ~7;
  r->H = H;
  r->K = K;
  size_t rows;
  if (r->rational && r->Q * (uint64_t)K <= RS_EXACT_MAX) {
    r->exact = 1;
    rows = (size_t)r->Q;
  } else {
    /* Linear interpolation between rows 1/NP apart: the error is about (2 pi nu / NP)^2 / 8
     * of the peak, below -100 dB with NP = 1024 nu. */
    int np = (int)ceil(1024.0 * nu);
    r->NP = np < 32 ? 32 : np > 512 ? 512 : np;
    rows = (size_t)r->NP + 1;
  }
  r->table = malloc(rows * (size_t)K * sizeof(float));
  r->cap = (size_t)K + RS_BLOCK;
  r->buf = malloc(r->cap * sizeof(float));
  double *tmp = malloc((size_t)K * sizeof(double));
  if (!r->table || !r->buf || !tmp) {
    free(tmp);
    goto oom;
  }
  for (size_t p = 0; p < rows; p++) {
    double frac = r->exact ? (double)p / (double)r->Q : (double)p / r->NP;
    make_row(r->table + p * (size_t)K, tmp, K, H, frac, nu, half, beta, i0beta);
  }
  free(tmp);
  /* Inputs before t = 0 are zero: the first output needs indices from -H + 1. */
  r->buf_start = -(int64_t)(H - 1);
  r->buf_len = (size_t)(H - 1);
  memset(r->buf, 0, r->buf_len * sizeof(float));
  return r;
oom:
  if (err && errlen)
    snprintf(err, errlen, "out of memory");
  dsp_resampler_free(r);
  return NULL;
}

void dsp_resampler_free(dsp_resampler *r) {
  if (!r)
    return;
  free(r->table);
  free(r->buf);
  free(r);
}

int dsp_resampler_taps(const dsp_resampler *r) { return r && !r->identity ? r->K : 0; }

uint64_t dsp_resampler_out_length(const dsp_resampler *r, uint64_t n) {
  if (!r || n == 0)
    return 0;
  if (r->identity)
    return n;
  if (r->rational)
    return (n * r->Q + r->P - 1) / r->P;
  /* Outputs k with k * step < n, matching the positions used by process. */
  uint64_t c = (uint64_t)ceil((double)n / r->step);
  while (c > 0 && (double)(c - 1) * r->step >= (double)n)
    c--;
  while ((double)c * r->step < (double)n)
    c++;
  return c;
}

size_t dsp_resampler_max_out(const dsp_resampler *r, size_t n_in) {
  if (!r)
    return 0;
  if (r->identity)
    return n_in;
  return (size_t)ceil(((double)n_in + r->K + 2.0) / r->step) + 2;
}

static float dot(const float *a, const float *b, int n) {
#ifdef __wasm_simd128__
  v128_t s0 = wasm_f32x4_splat(0.0f), s1 = wasm_f32x4_splat(0.0f);
  for (int i = 0; i < n; i += 8) {
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(a + i + 4), wasm_v128_load(b + i + 4)));
  }
  s0 = wasm_f32x4_add(s0, s1);
  return (wasm_f32x4_extract_lane(s0, 0) + wasm_f32x4_extract_lane(s0, 1)) +
         (wasm_f32x4_extract_lane(s0, 2) + wasm_f32x4_extract_lane(s0, 3));
#else
  float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  for (int i = 0; i < n; i += 8) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
    s2 += a[i + 2] * b[i + 2];
    s3 += a[i + 3] * b[i + 3];
    s4 += a[i + 4] * b[i + 4];
    s5 += a[i + 5] * b[i + 5];
    s6 += a[i + 6] * b[i + 6];
    s7 += a[i + 7] * b[i + 7];
  }
  return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7));
#endif
}

/* Two dot products at once, each summed exactly as dot() sums it (the same bits): one dot is a
 * chain of dependent adds whose latency, not the multiplies, sets the pace; two side by side
 * keep four chains in flight. */
static void dot2(const float *a0, const float *b0, const float *a1, const float *b1, int n,
                 float *y0, float *y1) {
#ifdef __wasm_simd128__
  v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, t0 = s0, t1 = s0;
  for (int i = 0; i < n; i += 8) {
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a0 + i), wasm_v128_load(b0 + i)));
    t0 = wasm_f32x4_add(t0, wasm_f32x4_mul(wasm_v128_load(a1 + i), wasm_v128_load(b1 + i)));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(a0 + i + 4), wasm_v128_load(b0 + i + 4)));
    t1 = wasm_f32x4_add(t1, wasm_f32x4_mul(wasm_v128_load(a1 + i + 4), wasm_v128_load(b1 + i + 4)));
  }
  s0 = wasm_f32x4_add(s0, s1);
  t0 = wasm_f32x4_add(t0, t1);
  *y0 = (wasm_f32x4_extract_lane(s0, 0) + wasm_f32x4_extract_lane(s0, 1)) +
        (wasm_f32x4_extract_lane(s0, 2) + wasm_f32x4_extract_lane(s0, 3));
  *y1 = (wasm_f32x4_extract_lane(t0, 0) + wasm_f32x4_extract_lane(t0, 1)) +
        (wasm_f32x4_extract_lane(t0, 2) + wasm_f32x4_extract_lane(t0, 3));
#else
  *y0 = dot(a0, b0, n);
  *y1 = dot(a1, b1, n);
#endif
}

/* Integer part of output k's input position and, for the table, row and interpolation weight. */
static void position(const dsp_resampler *r, uint64_t k, int64_t *n0, size_t *row, float *w) {
  if (r->rational) {
    uint64_t num = k * r->P;
    uint64_t phase = num % r->Q;
    *n0 = (int64_t)(num / r->Q);
    if (r->exact) {
      *row = (size_t)phase;
      *w = 0.0f;
      return;
    }
    double u = (double)phase * r->NP / (double)r->Q;
    size_t p = (size_t)u;
    *row = p;
    *w = (float)(u - (double)p);
    return;
  }
  double pos = (double)k * r->step;
  double fl = floor(pos);
  double u = (pos - fl) * r->NP;
  size_t p = (size_t)u;
  if (p >= (size_t)r->NP)
    p = (size_t)r->NP - 1;
  *n0 = (int64_t)fl;
  *row = p;
  *w = (float)(u - (double)p);
}

/* Write every output whose taps are all buffered, up to index limit; returns the count. */
static size_t produce(dsp_resampler *r, float *out, uint64_t limit) {
  size_t o = 0;
  const int K = r->K;
  while (r->k_next < limit) {
    int64_t n0;
    size_t row;
    float w;
    position(r, r->k_next, &n0, &row, &w);
    int64_t s = n0 - r->H + 1;
    if (s < r->buf_start || s + K > r->buf_start + (int64_t)r->buf_len)
      break;
    const float *x = r->buf + (s - r->buf_start);
    const float *c = r->table + row * (size_t)K;
    if (!r->exact && w != 0.0f) { /* between two rows of the table: both at once */
      float y, y1;
      dot2(c, x, c + K, x, K, &y, &y1);
      out[o++] = y + w * (y1 - y);
      r->k_next++;
      continue;
    }
    /* the next output too, when it is a single row and its taps are buffered */
    int64_t n1;
    size_t row1;
    float w1;
    if (r->k_next + 1 < limit) {
      position(r, r->k_next + 1, &n1, &row1, &w1);
      int64_t s1 = n1 - r->H + 1;
      if ((r->exact || w1 == 0.0f) && s1 >= r->buf_start &&
          s1 + K <= r->buf_start + (int64_t)r->buf_len) {
        dot2(c, x, r->table + row1 * (size_t)K, r->buf + (s1 - r->buf_start), K, &out[o],
             &out[o + 1]);
        o += 2;
        r->k_next += 2;
        continue;
      }
    }
    out[o++] = dot(c, x, K);
    r->k_next++;
  }
  /* Drop history that no later output needs. */
  {
    int64_t n0;
    size_t row;
    float w;
    position(r, r->k_next, &n0, &row, &w);
    int64_t first = n0 - r->H + 1;
    int64_t end = r->buf_start + (int64_t)r->buf_len;
    if (first >= end) {
      r->buf_start = first;
      r->buf_len = 0;
    } else if (first > r->buf_start) {
      size_t drop = (size_t)(first - r->buf_start);
      memmove(r->buf, r->buf + drop, (r->buf_len - drop) * sizeof(float));
      r->buf_len -= drop;
      r->buf_start = first;
    }
  }
  return o;
}

/* Append n samples (zeros when in is NULL) with absolute indices starting at *next. */
static size_t feed(dsp_resampler *r, const float *in, size_t n, uint64_t *next, float *out,
                   uint64_t limit) {
  size_t o = 0;
  while (n > 0) {
    if (r->buf_len == 0 && (int64_t)*next < r->buf_start) { /* not needed by any output */
      size_t skip = (size_t)(r->buf_start - (int64_t)*next);
      if (skip > n)
        skip = n;
      if (in)
        in += skip;
      n -= skip;
      *next += skip;
      continue;
    }
    if (r->buf_len == 0)
      r->buf_start = (int64_t)*next; /* else buf ends at *next */
    size_t take = r->cap - r->buf_len;
    if (take > n)
      take = n;
    if (in) {
      memcpy(r->buf + r->buf_len, in, take * sizeof(float));
      in += take;
    } else {
      memset(r->buf + r->buf_len, 0, take * sizeof(float));
    }
    r->buf_len += take;
    n -= take;
    *next += take;
    o += produce(r, out + o, limit);
  }
  return o;
}

size_t dsp_resampler_process(dsp_resampler *r, const float *in, size_t n_in, float *out) {
  if (!r || r->finished || n_in == 0)
    return 0;
  if (r->identity) {
    memcpy(out, in, n_in * sizeof(float));
    r->n_in += n_in;
    return n_in;
  }
  uint64_t next = r->n_in;
  size_t o = feed(r, in, n_in, &next, out, UINT64_MAX);
  r->n_in += n_in;
  return o;
}

size_t dsp_resampler_finish(dsp_resampler *r, float *out) {
  if (!r || r->finished)
    return 0;
  r->finished = 1;
  if (r->identity)
    return 0;
  uint64_t total = dsp_resampler_out_length(r, r->n_in);
  uint64_t next = r->n_in;
  size_t o = produce(r, out, total);
  while (r->k_next < total) {
    size_t before = o;
    o += feed(r, NULL, (size_t)r->K, &next, out + o, total);
    if (o == before && r->buf_len == r->cap)
      break; /* defensive: no progress possible */
  }
  return o;
}
