/* tsne_fft.c — FFT-accelerated interpolation for t-SNE's repulsion, see tsne_fft.h.
 *
 * The 2-D FFTs are done here rather than by KissFFT: a mixed-radix (2, 3, 4) Stockham FFT
 * whose every element is four complex numbers, one per lane (four columns of the grid side by
 * side, or four rows through 4 x 4 transposes), so that the wasm build runs it in 128-bit SIMD.
 * The scalar build does the same operations lane by lane in the same order; twiddles come from
 * +, -, *, / only. Both builds therefore give the same bits. */
#include "project/tsne_fft.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define MIN_INTERVALS 50
#ifndef MAX_INTERVALS
#define MAX_INTERVALS 200 /* beyond an extent of 200 the intervals widen instead */
#endif
#ifndef INTERVALS_PER_UNIT
#define INTERVALS_PER_UNIT 1.0f
#endif
#define NODES 3 /* Lagrange nodes per interval */
#define MAX_RADICES 32

/* ---- four lanes ---- */
#ifdef __wasm_simd128__
typedef v128_t f4;
#define f4_add wasm_f32x4_add
#define f4_sub wasm_f32x4_sub
#define f4_mul wasm_f32x4_mul
#define f4_splat wasm_f32x4_splat
#define f4_load(p) wasm_v128_load(p)
#define f4_store(p, v) wasm_v128_store(p, v)
/* the 4 x 4 transpose of rows a, b, c, d */
static inline void f4_transpose(f4 *a, f4 *b, f4 *c, f4 *d) {
  f4 t0 = wasm_i32x4_shuffle(*a, *b, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(*a, *b, 2, 6, 3, 7);
  f4 t2 = wasm_i32x4_shuffle(*c, *d, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(*c, *d, 2, 6, 3, 7);
  *a = wasm_i64x2_shuffle(t0, t2, 0, 2), *b = wasm_i64x2_shuffle(t0, t2, 1, 3);
  *c = wasm_i64x2_shuffle(t1, t3, 0, 2), *d = wasm_i64x2_shuffle(t1, t3, 1, 3);
}
#else
typedef struct {
  float v[4];
} f4;
static inline f4 f4_add(f4 a, f4 b) {
  for (int l = 0; l < 4; l++)
    a.v[l] = a.v[l] + b.v[l];
  return a;
}
static inline f4 f4_sub(f4 a, f4 b) {
  for (int l = 0; l < 4; l++)
    a.v[l] = a.v[l] - b.v[l];
  return a;
}
static inline f4 f4_mul(f4 a, f4 b) {
  for (int l = 0; l < 4; l++)
    a.v[l] = a.v[l] * b.v[l];
  return a;
}
static inline f4 f4_splat(float x) {
  f4 r = {{x, x, x, x}};
  return r;
}
static inline f4 f4_load(const float *p) {
  f4 r;
  for (int l = 0; l < 4; l++)
    r.v[l] = p[l];
  return r;
}
static inline void f4_store(float *p, f4 v) {
  for (int l = 0; l < 4; l++)
    p[l] = v.v[l];
}
static inline void f4_transpose(f4 *a, f4 *b, f4 *c, f4 *d) {
  f4 *r[4] = {a, b, c, d};
  float m[4][4];
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 4; j++)
      m[j][i] = r[i]->v[j];
  for (int i = 0; i < 4; i++)
    memcpy(r[i]->v, m[i], sizeof m[i]);
}
#endif

typedef struct {
  f4 re, im;
} c4;

static inline c4 c4_add(c4 a, c4 b) { return (c4){f4_add(a.re, b.re), f4_add(a.im, b.im)}; }
static inline c4 c4_sub(c4 a, c4 b) { return (c4){f4_sub(a.re, b.re), f4_sub(a.im, b.im)}; }
/* a times (wr + i wi), wr and wi splatted */
static inline c4 c4_twiddle(c4 a, f4 wr, f4 wi) {
  return (c4){f4_sub(f4_mul(a.re, wr), f4_mul(a.im, wi)),
              f4_add(f4_mul(a.re, wi), f4_mul(a.im, wr))};
}
/* a times -i (dir 1) or +i (dir -1) */
static inline c4 c4_rot(c4 a, int inverse) {
  if (inverse)
    return (c4){f4_sub(f4_splat(0.0f), a.im), a.re};
  return (c4){a.im, f4_sub(f4_splat(0.0f), a.re)};
}

struct prj_tsne_fft {
  int nb, L, ncap; /* intervals per side, FFT length (2 x 3 x nb), points the buffers hold */
  float bw;        /* interval width the kernel spectrum was made for */
  int nrad, rad[MAX_RADICES];
  float *twr, *twi;     /* exp(-2 pi i j / L), j < L */
  float *kspec;         /* real spectrum of the kernel / L^2: column group g, row k, lane l */
  float *re[2], *im[2]; /* L x L grids: charges (1, x) and (y, x^2 + y^2) as re, im */
  c4 *wa, *wb;          /* L each: work buffers of the FFT */
  int *base;            /* n x 2 first node of each point's interval */
  float *w;             /* n x 6 Lagrange weights (3 in x, 3 in y) */
};

/* cos and sin of 2 pi i / n from +, -, *, / only (quadrant from the integers, then Taylor
 * series in double on at most pi / 4), so both builds make the same twiddles. */
static void cos_sin(int i, int n, double *c, double *s) {
  long a = 4L * i, q = a / n, rem = a - q * n; /* angle = (q + rem / n) pi / 2 */
  int swap = 2 * rem > n;
  double x = 1.5707963267948966 * (double)(swap ? n - rem : rem) / n;
  double x2 = x * x, tc = 1.0, ts = x, cc = 1.0, ss = x;
  for (int k = 1; k <= 12; k++) {
    tc *= -x2 / ((2.0 * k - 1) * (2.0 * k));
    ts *= -x2 / ((2.0 * k) * (2.0 * k + 1));
    cc += tc, ss += ts;
  }
  double cq = swap ? ss : cc, sq = swap ? cc : ss;
  switch (q & 3) {
  case 0: *c = cq, *s = sq; break;
  case 1: *c = -sq, *s = cq; break;
  case 2: *c = -cq, *s = -sq; break;
  default: *c = sq, *s = -cq; break;
  }
}

/* Stockham FFT of the L four-lane elements in x (y: scratch); returns where the result is.
 * Forward: X_k = sum_j x_j exp(-2 pi i jk / L); inverse: the conjugate, not scaled. */
static c4 *fft4(const prj_tsne_fft *f, c4 *x, c4 *y, int inverse) {
  const int N = f->L;
  const f4 h3 = f4_splat(0.5f), s3 = f4_splat(0.866025403784438647f);
  int n = N, s = 1;
  for (int st = 0; st < f->nrad; st++) {
    const int r = f->rad[st], m = n / r;
    for (int p = 0; p < m; p++) {
      f4 wr[4], wi[4];
      for (int k = 1; k < r; k++) {
        int j = p * k * s;
        wr[k] = f4_splat(f->twr[j]), wi[k] = f4_splat(inverse ? -f->twi[j] : f->twi[j]);
      }
      const c4 *src = x + s * p;
      c4 *dst = y + s * r * p;
      if (r == 4) {
        for (int q = 0; q < s; q++) {
          c4 a0 = src[q], a1 = src[q + s * m], a2 = src[q + 2 * s * m], a3 = src[q + 3 * s * m];
          c4 t0 = c4_add(a0, a2), t1 = c4_sub(a0, a2), t2 = c4_add(a1, a3),
             t3 = c4_rot(c4_sub(a1, a3), inverse);
          dst[q] = c4_add(t0, t2);
          dst[q + s] = c4_twiddle(c4_add(t1, t3), wr[1], wi[1]);
          dst[q + 2 * s] = c4_twiddle(c4_sub(t0, t2), wr[2], wi[2]);
          dst[q + 3 * s] = c4_twiddle(c4_sub(t1, t3), wr[3], wi[3]);
        }
      } else if (r == 2) {
        for (int q = 0; q < s; q++) {
          c4 a0 = src[q], a1 = src[q + s * m];
          dst[q] = c4_add(a0, a1);
          dst[q + s] = c4_twiddle(c4_sub(a0, a1), wr[1], wi[1]);
        }
      } else { /* 3 */
        for (int q = 0; q < s; q++) {
          c4 a0 = src[q], a1 = src[q + s * m], a2 = src[q + 2 * s * m];
          c4 t1 = c4_add(a1, a2);
          c4 t2 = {f4_sub(a0.re, f4_mul(h3, t1.re)), f4_sub(a0.im, f4_mul(h3, t1.im))};
          c4 d = c4_rot(c4_sub(a1, a2), inverse);
          c4 t3 = {f4_mul(s3, d.re), f4_mul(s3, d.im)};
          dst[q] = c4_add(a0, t1);
          dst[q + s] = c4_twiddle(c4_add(t2, t3), wr[1], wi[1]);
          dst[q + 2 * s] = c4_twiddle(c4_sub(t2, t3), wr[2], wi[2]);
        }
      }
    }
    c4 *t = x;
    x = y, y = t;
    n = m, s *= r;
  }
  return x;
}

/* Rows [0, nrows) of plane (re, im), four at a time (rows past L - 1 are never touched: nrows
 * is rounded up to 4 within L): the first ncols_in columns in (the rest taken as zero), FFT,
 * the first ncols_out columns back. */
static void rows_pass(prj_tsne_fft *f, float *re, float *im, int nrows, int ncols_in, int ncols_out,
                      int inverse) {
  const int L = f->L;
  for (int r = 0; r < nrows; r += 4) {
    float *pr = re + (size_t)r * L, *pi = im + (size_t)r * L;
    int k = 0;
    for (; k < ncols_in; k += 4) {
      f4 a = f4_load(pr + k), b = f4_load(pr + L + k), c = f4_load(pr + 2 * L + k),
         d = f4_load(pr + 3 * L + k);
      f4_transpose(&a, &b, &c, &d);
      f->wa[k].re = a, f->wa[k + 1].re = b, f->wa[k + 2].re = c, f->wa[k + 3].re = d;
      a = f4_load(pi + k), b = f4_load(pi + L + k), c = f4_load(pi + 2 * L + k),
      d = f4_load(pi + 3 * L + k);
      f4_transpose(&a, &b, &c, &d);
      f->wa[k].im = a, f->wa[k + 1].im = b, f->wa[k + 2].im = c, f->wa[k + 3].im = d;
    }
    for (; k < L; k++)
      f->wa[k].re = f->wa[k].im = f4_splat(0.0f);
    c4 *o = fft4(f, f->wa, f->wb, inverse);
    for (k = 0; k < ncols_out; k += 4) {
      f4 a = o[k].re, b = o[k + 1].re, c = o[k + 2].re, d = o[k + 3].re;
      f4_transpose(&a, &b, &c, &d);
      f4_store(pr + k, a), f4_store(pr + L + k, b), f4_store(pr + 2 * L + k, c);
      f4_store(pr + 3 * L + k, d);
      a = o[k].im, b = o[k + 1].im, c = o[k + 2].im, d = o[k + 3].im;
      f4_transpose(&a, &b, &c, &d);
      f4_store(pi + k, a), f4_store(pi + L + k, b), f4_store(pi + 2 * L + k, c);
      f4_store(pi + 3 * L + k, d);
    }
  }
}

/* Every column of (re, im), four at a time: the first nrows_in rows in (the rest zero),
 * forward FFT, then with kspec times the kernel and back; the first nrows_out rows out. */
static void cols_pass(prj_tsne_fft *f, float *re, float *im, int nrows_in, const float *kspec,
                      int nrows_out) {
  const int L = f->L;
  for (int c = 0; c < L; c += 4) {
    int k = 0;
    for (; k < nrows_in; k++)
      f->wa[k].re = f4_load(re + (size_t)k * L + c), f->wa[k].im = f4_load(im + (size_t)k * L + c);
    for (; k < L; k++)
      f->wa[k].re = f->wa[k].im = f4_splat(0.0f);
    c4 *o = fft4(f, f->wa, f->wb, 0);
    if (kspec) {
      const float *ks = kspec + (size_t)c * L;
      for (k = 0; k < L; k++) {
        f4 s = f4_load(ks + 4 * k);
        o[k].re = f4_mul(o[k].re, s), o[k].im = f4_mul(o[k].im, s);
      }
      o = fft4(f, o, o == f->wa ? f->wb : f->wa, 1);
    }
    for (k = 0; k < nrows_out; k++)
      f4_store(re + (size_t)k * L + c, o[k].re), f4_store(im + (size_t)k * L + c, o[k].im);
  }
}

prj_tsne_fft *prj_tsne_fft_new(void) { return calloc(1, sizeof(prj_tsne_fft)); }

int prj_tsne_fft_intervals(const prj_tsne_fft *f) { return f->nb; }

static void free_grid(prj_tsne_fft *f) {
  free(f->twr), free(f->twi), free(f->kspec), free(f->wa), free(f->wb);
  for (int g = 0; g < 2; g++)
    free(f->re[g]), free(f->im[g]), f->re[g] = f->im[g] = NULL;
  f->twr = f->twi = f->kspec = NULL, f->wa = f->wb = NULL;
}

void prj_tsne_fft_free(prj_tsne_fft *f) {
  if (!f)
    return;
  free_grid(f);
  free(f->base), free(f->w);
  free(f);
}

/* (re)make the grids, the twiddles and the kernel's spectrum for nb intervals of width bw */
static int setup_grid(prj_tsne_fft *f, int nb, float bw) {
  const int L = 2 * NODES * nb, M = NODES * nb;
  if (nb != f->nb) {
    free_grid(f);
    f->nb = 0, f->bw = 0.0f;
    size_t LL = (size_t)L * L;
    f->twr = malloc(sizeof(float) * L), f->twi = malloc(sizeof(float) * L);
    f->kspec = malloc(sizeof(float) * LL);
    f->wa = malloc(sizeof(c4) * L), f->wb = malloc(sizeof(c4) * L);
    for (int g = 0; g < 2; g++)
      f->re[g] = calloc(LL, sizeof(float)), f->im[g] = calloc(LL, sizeof(float));
    if (!f->twr || !f->twi || !f->kspec || !f->wa || !f->wb || !f->re[0] || !f->im[0] ||
        !f->re[1] || !f->im[1])
      return -1;
    for (int j = 0; j < L; j++) {
      double c, s;
      cos_sin(j, L, &c, &s);
      f->twr[j] = (float)c, f->twi[j] = (float)-s;
    }
    int rest = L;
    f->nrad = 0;
    while (rest % 4 == 0)
      f->rad[f->nrad++] = 4, rest /= 4;
    while (rest % 2 == 0)
      f->rad[f->nrad++] = 2, rest /= 2;
    while (rest % 3 == 0)
      f->rad[f->nrad++] = 3, rest /= 3;
    f->nb = nb, f->L = L;
  }
  if (bw == f->bw)
    return 0;
  /* circulant embedding of the kernel at node offsets -(M - 1) .. M - 1, even in both axes,
   * so its spectrum is real; grid 0 is scratch here */
  const float h = bw / NODES;
  float *kr = f->re[0], *ki = f->im[0];
  for (int r = 0; r < L; r++) {
    int dr = r <= M ? r : L - r;
    for (int c = 0; c < L; c++) {
      int dc = c <= M ? c : L - c;
      float d2 = h * h * (float)(dr * dr + dc * dc), q = 1.0f / (1.0f + d2);
      kr[(size_t)r * L + c] = q * q, ki[(size_t)r * L + c] = 0.0f;
    }
  }
  rows_pass(f, kr, ki, L, L, L, 0);
  cols_pass(f, kr, ki, L, NULL, L);
  const float scale = 1.0f / ((float)L * (float)L);
  for (int c = 0; c < L; c += 4)
    for (int k = 0; k < L; k++)
      for (int l = 0; l < 4; l++)
        f->kspec[(size_t)c * L + 4 * k + l] = kr[(size_t)k * L + c + l] * scale;
  for (int g = 0; g < 2; g++) {
    memset(f->re[g], 0, sizeof(float) * (size_t)L * L);
    memset(f->im[g], 0, sizeof(float) * (size_t)L * L);
  }
  f->bw = bw;
  return 0;
}

static void lagrange(float t, float *w) {
  w[0] = 0.5f * (t - 1.5f) * (t - 2.5f);
  w[1] = -(t - 0.5f) * (t - 2.5f);
  w[2] = 0.5f * (t - 0.5f) * (t - 1.5f);
}

/* the smallest even number >= n of the form 2^a 3^b (so that L = 6 nb is a multiple of 4 and
 * the FFT needs radices 2, 3, 4 only) */
static int grid_size(int n) {
  for (int m = n + (n & 1);; m += 2) {
    int r = m;
    while (r % 2 == 0)
      r /= 2;
    while (r % 3 == 0)
      r /= 3;
    if (r == 1)
      return m;
  }
}

int prj_tsne_fft_repulsion(prj_tsne_fft *f, const float *Y, int n, float *neg, double *sumq) {
  if (n > f->ncap) {
    free(f->base), free(f->w);
    f->ncap = 0;
    f->base = malloc(sizeof(int) * 2 * (size_t)n);
    f->w = malloc(sizeof(float) * 6 * (size_t)n);
    if (!f->base || !f->w)
      return -1;
    f->ncap = n;
  }
  float lo[2] = {Y[0], Y[1]}, hi[2] = {Y[0], Y[1]};
  for (int i = 0; i < n; i++)
    for (int c = 0; c < 2; c++) {
      float v = Y[2 * (size_t)i + c];
      lo[c] = v < lo[c] ? v : lo[c];
      hi[c] = v > hi[c] ? v : hi[c];
    }
  float ext = hi[0] - lo[0] > hi[1] - lo[1] ? hi[0] - lo[0] : hi[1] - lo[1];
  if (!(ext <= 1e30f)) { /* not finite: nothing sensible to add */
    memset(neg, 0, sizeof(float) * 2 * (size_t)n);
    *sumq = 1.0;
    return 0;
  }
  if (!(ext > 1e-6f))
    ext = 1e-6f;
  /* The grid: intervals of width <= 1 / INTERVALS_PER_UNIT (wider only past MAX_INTERVALS),
   * at least MIN_INTERVALS, spanning the points with room to grow, so that the kernel's
   * spectrum is remade only when the points outgrow the grid or shrink well inside it. */
  int nb = f->nb;
  float bw = f->bw;
  const float unit = 1.0f / INTERVALS_PER_UNIT, span = (float)nb * bw;
  int keep = nb > 0 && span >= ext && (bw <= unit || nb >= grid_size(MAX_INTERVALS)) &&
             (span <= 1.5f * ext || nb == grid_size(MIN_INTERVALS));
  if (!keep) {
    float want = ext * 1.2f;
    if (want * INTERVALS_PER_UNIT > MIN_INTERVALS) {
      want = ext * 1.05f;
      want = want * INTERVALS_PER_UNIT > MIN_INTERVALS ? want : MIN_INTERVALS * unit;
    }
    float cells = want * INTERVALS_PER_UNIT;
    nb = grid_size(cells < MIN_INTERVALS
                       ? MIN_INTERVALS
                       : (cells < MAX_INTERVALS ? (int)ceilf(cells) : MAX_INTERVALS));
    bw = ext * 1.2f / (float)nb;
    if (bw > unit)
      bw = want / (float)nb > unit ? want / (float)nb : unit;
    /* rounded up to 6 bits of mantissa */
    int ex;
    float mant = frexpf(bw, &ex);
    bw = ldexpf(ceilf(mant * 64.0f) / 64.0f, ex);
  }
  if (setup_grid(f, nb, bw))
    return -1;
  const int L = f->L, M = L / 2;
  const float inv_h = NODES / bw;
  const float cx = 0.5f * (lo[0] + hi[0]), cy = 0.5f * (lo[1] + hi[1]);
  const float x0 = cx - 0.5f * (float)nb * bw, y0 = cy - 0.5f * (float)nb * bw;
  for (int g = 0; g < 2; g++) {
    memset(f->re[g], 0, sizeof(float) * (size_t)M * L);
    memset(f->im[g], 0, sizeof(float) * (size_t)M * L);
  }
  float *r1 = f->re[0], *i1 = f->im[0], *r2 = f->re[1], *i2 = f->im[1];
  for (int i = 0; i < n; i++) {
    const float x = Y[2 * (size_t)i], y = Y[2 * (size_t)i + 1];
    float ux = (x - x0) * inv_h, uy = (y - y0) * inv_h;
    int bx = (int)(ux / (float)NODES), by = (int)(uy / (float)NODES);
    bx = bx < 0 ? 0 : (bx >= nb ? nb - 1 : bx);
    by = by < 0 ? 0 : (by >= nb ? nb - 1 : by);
    float *w = f->w + 6 * (size_t)i;
    lagrange(ux - (float)(NODES * bx), w);
    lagrange(uy - (float)(NODES * by), w + 3);
    f->base[2 * (size_t)i] = NODES * bx, f->base[2 * (size_t)i + 1] = NODES * by;
    const float xc = x - cx, yc = y - cy, rr = xc * xc + yc * yc;
    for (int a = 0; a < 3; a++) {
      size_t o = (size_t)(NODES * by + a) * L + NODES * bx;
      for (int b = 0; b < 3; b++) {
        float wab = w[3 + a] * w[b];
        r1[o + b] += wab, i1[o + b] += wab * xc;
        r2[o + b] += wab * yc, i2[o + b] += wab * rr;
      }
    }
  }
  for (int g = 0; g < 2; g++) {
    rows_pass(f, f->re[g], f->im[g], M, M, L, 0);
    cols_pass(f, f->re[g], f->im[g], M, f->kspec, M);
    rows_pass(f, f->re[g], f->im[g], M, L, M, 1);
  }
  double z = 0.0;
  for (int i = 0; i < n; i++) {
    const float *w = f->w + 6 * (size_t)i;
    const int bx = f->base[2 * (size_t)i], by = f->base[2 * (size_t)i + 1];
    float phi[4] = {0, 0, 0, 0};
    for (int a = 0; a < 3; a++) {
      size_t o = (size_t)(by + a) * L + bx;
      for (int b = 0; b < 3; b++) {
        float wab = w[3 + a] * w[b];
        phi[0] += wab * r1[o + b], phi[1] += wab * i1[o + b];
        phi[2] += wab * r2[o + b], phi[3] += wab * i2[o + b];
      }
    }
    const float xc = Y[2 * (size_t)i] - cx, yc = Y[2 * (size_t)i + 1] - cy;
    neg[2 * (size_t)i] = xc * phi[0] - phi[1];
    neg[2 * (size_t)i + 1] = yc * phi[0] - phi[2];
    z += (1.0 + (double)xc * xc + (double)yc * yc) * phi[0] -
         2.0 * ((double)xc * phi[1] + (double)yc * phi[2]) + phi[3];
  }
  z -= n;
  *sumq = z > 0.0 ? z : 0.0;
  return 0;
}
