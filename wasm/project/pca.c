/* pca.c — exact and randomised PCA (see pca.h). */
#include "project/pca.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "project/rng.h"
#include "project/vec.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define EXACT_MAX_D 64 /* covariance + Jacobi up to this dimension */
#define OVERSAMPLE 10
#define POWER_ITERS 2

void prj_eigh(double *A, int n, double *w, double *V) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      V[i * n + j] = (i == j);
  for (int sweep = 0; sweep < 60; sweep++) {
    double off = 0.0, diag = 0.0;
    for (int i = 0; i < n; i++) {
      diag += A[i * n + i] * A[i * n + i];
      for (int j = i + 1; j < n; j++)
        off += A[i * n + j] * A[i * n + j];
    }
    if (off <= 1e-30 * diag || off == 0.0)
      break;
    for (int p = 0; p < n; p++)
      for (int q = p + 1; q < n; q++) {
        double apq = A[p * n + q];
        if (fabs(apq) < 1e-300)
          continue;
        double app = A[p * n + p], aqq = A[q * n + q];
        double theta = (aqq - app) / (2.0 * apq);
        double t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
        double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
        for (int k = 0; k < n; k++) { /* columns p, q */
          double akp = A[k * n + p], akq = A[k * n + q];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) { /* rows p, q */
          double apk = A[p * n + k], aqk = A[q * n + k];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        A[p * n + q] = A[q * n + p] = 0.0;
        for (int k = 0; k < n; k++) {
          double vkp = V[k * n + p], vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  for (int i = 0; i < n; i++)
    w[i] = A[i * n + i];
  /* selection sort, descending, ties keep index order */
  for (int i = 0; i < n; i++) {
    int best = i;
    for (int j = i + 1; j < n; j++)
      if (w[j] > w[best])
        best = j;
    if (best != i) {
      double t = w[i];
      w[i] = w[best];
      w[best] = t;
      for (int k = 0; k < n; k++) {
        t = V[k * n + i];
        V[k * n + i] = V[k * n + best];
        V[k * n + best] = t;
      }
    }
  }
}

static void fix_sign(float *axis, int d) {
  int best = 0;
  for (int j = 1; j < d; j++)
    if (fabsf(axis[j]) > fabsf(axis[best]))
      best = j;
  if (axis[best] < 0)
    for (int j = 0; j < d; j++)
      axis[j] = -axis[j];
}

/* row r of a view: a pointer into X when the view neither shifts nor scales, else buf */
static inline const float *view_row(const prj_view *v, long r, float *buf) {
  const float *x = v->X + (size_t)(v->rows ? v->rows[r] : r) * v->d;
  if (!v->shift && !v->scale)
    return x;
  for (int j = 0; j < v->d; j++)
    buf[j] = x[j] * (v->scale ? v->scale[j] : 1.0f) - (v->shift ? v->shift[j] : 0.0f);
  return buf;
}

/* Orthonormalise the columns of M (rows x l, row-major) in place through the eigenvectors of
 * its Gram matrix; columns without support (rank deficiency) become zero. */
static int orthonormalize(float *M, long rows, int l) {
  double *G = calloc((size_t)l * l, sizeof *G), *w = malloc(sizeof(double) * l);
  double *V = malloc(sizeof(double) * l * l);
  float *tmp = malloc(sizeof(float) * l), *T = malloc(sizeof(float) * l * l);
  if (!G || !w || !V || !tmp || !T) {
    free(G), free(w), free(V), free(tmp), free(T);
    return -1;
  }
  for (long r = 0; r < rows; r++) {
    const float *m = M + r * l;
    for (int a = 0; a < l; a++) {
      double ma = m[a];
      for (int b = a; b < l; b++)
        G[a * l + b] += ma * m[b];
    }
  }
  for (int a = 0; a < l; a++)
    for (int b = 0; b < a; b++)
      G[a * l + b] = G[b * l + a];
  prj_eigh(G, l, w, V);
  double wmax = w[0] > 0 ? w[0] : 0.0;
  for (int a = 0; a < l; a++) { /* T[b][a] = V[b][a] / sqrt(w[a]) */
    double s = (w[a] > 1e-12 * wmax && w[a] > 0) ? 1.0 / sqrt(w[a]) : 0.0;
    for (int b = 0; b < l; b++)
      T[b * l + a] = (float)(V[b * l + a] * s);
  }
  for (long r = 0; r < rows; r++) {
    float *m = M + r * l;
    memset(tmp, 0, sizeof(float) * l);
    for (int b = 0; b < l; b++)
      prj_axpy(tmp, m[b], T + b * l, l);
    memcpy(m, tmp, sizeof(float) * l);
  }
  free(G), free(w), free(V), free(tmp), free(T);
  return 0;
}

/* out[p * ldo + c] = sum over t = 0..nt-1, in that order, of a[t * at + p * ap] * b[t * ldb + c]
 * for p < np (at most 4) and c < nc: each sum starts at 0 and adds one product at a time, so
 * the SIMD tiles (4 x 8 and 4 x 4 in registers) and the scalar loop give the same bits. */
static void outer_sum(const float *a, long at, long ap, int np, const float *b, long ldb, int nt,
                      int nc, float *out, long ldo) {
  int c = 0;
#ifdef __wasm_simd128__
  if (np == 4) {
    for (; c + 8 <= nc; c += 8) {
      v128_t s00 = wasm_f32x4_splat(0.0f), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00,
             s30 = s00, s31 = s00;
      const float *bt = b + c, *a0 = a;
      for (int t = 0; t < nt; t++, bt += ldb, a0 += at) {
        v128_t b0 = wasm_v128_load(bt), b1 = wasm_v128_load(bt + 4);
        v128_t x0 = wasm_f32x4_splat(a0[0]), x1 = wasm_f32x4_splat(a0[ap]);
        v128_t x2 = wasm_f32x4_splat(a0[2 * ap]), x3 = wasm_f32x4_splat(a0[3 * ap]);
        s00 = wasm_f32x4_add(s00, wasm_f32x4_mul(x0, b0));
        s01 = wasm_f32x4_add(s01, wasm_f32x4_mul(x0, b1));
        s10 = wasm_f32x4_add(s10, wasm_f32x4_mul(x1, b0));
        s11 = wasm_f32x4_add(s11, wasm_f32x4_mul(x1, b1));
        s20 = wasm_f32x4_add(s20, wasm_f32x4_mul(x2, b0));
        s21 = wasm_f32x4_add(s21, wasm_f32x4_mul(x2, b1));
        s30 = wasm_f32x4_add(s30, wasm_f32x4_mul(x3, b0));
        s31 = wasm_f32x4_add(s31, wasm_f32x4_mul(x3, b1));
      }
      float *o = out + c;
      wasm_v128_store(o, s00), wasm_v128_store(o + 4, s01);
      wasm_v128_store(o + ldo, s10), wasm_v128_store(o + ldo + 4, s11);
      wasm_v128_store(o + 2 * ldo, s20), wasm_v128_store(o + 2 * ldo + 4, s21);
      wasm_v128_store(o + 3 * ldo, s30), wasm_v128_store(o + 3 * ldo + 4, s31);
    }
    for (; c + 4 <= nc; c += 4) {
      v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
      const float *bt = b + c, *a0 = a;
      for (int t = 0; t < nt; t++, bt += ldb, a0 += at) {
        v128_t b0 = wasm_v128_load(bt);
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_f32x4_splat(a0[0]), b0));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_f32x4_splat(a0[ap]), b0));
        s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_f32x4_splat(a0[2 * ap]), b0));
        s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_f32x4_splat(a0[3 * ap]), b0));
      }
      float *o = out + c;
      wasm_v128_store(o, s0), wasm_v128_store(o + ldo, s1);
      wasm_v128_store(o + 2 * ldo, s2), wasm_v128_store(o + 3 * ldo, s3);
    }
  }
#endif
  for (; c < nc; c += 8) { /* the same sums, eight columns at a time */
    int w = nc - c < 8 ? nc - c : 8;
    for (int p = 0; p < np; p++) {
      float s[8] = {0};
      const float *bt = b + c, *ar = a + p * ap;
      for (int t = 0; t < nt; t++, bt += ldb, ar += at)
        for (int q = 0; q < w; q++)
          s[q] += ar[0] * bt[q];
      for (int q = 0; q < w; q++)
        out[p * ldo + c + q] = s[q];
    }
  }
}

/* Y (n x l) = Xc W, four centred rows at a time */
static void times(const prj_view *v, const float *mean, int n, int d, const float *W, int l,
                  float *Y, float *xc) {
  float *rb = xc + 4 * (size_t)d; /* view scratch */
  for (int r = 0; r < n; r += 4) {
    int m = n - r < 4 ? n - r : 4;
    for (int q = 0; q < m; q++) {
      const float *x = view_row(v, r + q, rb);
      for (int j = 0; j < d; j++)
        xc[(size_t)q * d + j] = x[j] - mean[j];
    }
    outer_sum(xc, 1, d, m, W, l, d, l, Y + (size_t)r * l, l);
  }
}

/* Z (d x l) = Xc^T Y, summed in float over blocks of TBLK centred rows, in double across them */
#define TBLK 256
static void times_t(const prj_view *v, const float *mean, int n, int d, const float *Y, int l,
                    float *Z, float *blk, double *acc, float *xc) {
  float *rb = xc + (size_t)TBLK * d; /* view scratch */
  memset(acc, 0, sizeof(double) * d * l);
  for (int r0 = 0; r0 < n; r0 += TBLK) {
    int m = n - r0 < TBLK ? n - r0 : TBLK;
    for (int r = 0; r < m; r++) {
      const float *x = view_row(v, r0 + r, rb);
      for (int j = 0; j < d; j++)
        xc[(size_t)r * d + j] = x[j] - mean[j];
    }
    for (int j = 0; j < d; j += 4)
      outer_sum(xc + j, d, 1, d - j < 4 ? d - j : 4, Y + (size_t)r0 * l, l, m, l,
                blk + (size_t)j * l, l);
    for (size_t i = 0; i < (size_t)d * l; i++)
      acc[i] += blk[i];
  }
  for (size_t i = 0; i < (size_t)d * l; i++)
    Z[i] = (float)acc[i];
}

int prj_pca_fit(const float *X, int n, int d, int k, uint64_t seed, prj_pca *out, char *err,
                size_t errlen) {
  prj_view v = {X, d, NULL, NULL, NULL};
  return prj_pca_fit_view(&v, n, k, seed, out, err, errlen);
}

int prj_pca_fit_view(const prj_view *v, int n, int k, uint64_t seed, prj_pca *out, char *err,
                     size_t errlen) {
  const int d = v->d;
  memset(out, 0, sizeof *out);
  if (n < 1 || d < 1 || k < 1 || k > d) {
    snprintf(err, errlen, "PCA: bad shape (n=%d, d=%d, k=%d)", n, d, k);
    return -1;
  }
  out->d = d;
  out->k = k;
  out->mean = calloc(d, sizeof(float));
  out->axes = calloc((size_t)k * d, sizeof(float));
  out->var = calloc(k, sizeof(double));
  double *mean = calloc(d, sizeof(double)), *colvar = calloc(d, sizeof(double));
  float *rb = malloc(sizeof(float) * d);
  if (!out->mean || !out->axes || !out->var || !mean || !colvar || !rb)
    goto oom;
  for (int r = 0; r < n; r++) {
    const float *x = view_row(v, r, rb);
    for (int j = 0; j < d; j++)
      mean[j] += x[j];
  }
  for (int j = 0; j < d; j++)
    out->mean[j] = (float)(mean[j] / n);
  for (int r = 0; r < n; r++) {
    const float *x = view_row(v, r, rb);
    for (int j = 0; j < d; j++) {
      double t = (double)x[j] - out->mean[j];
      colvar[j] += t * t;
    }
  }
  double denom = n > 1 ? n - 1 : 1;
  out->total_var = 0;
  for (int j = 0; j < d; j++)
    out->total_var += colvar[j] / denom;
  free(mean), free(colvar);
  mean = colvar = NULL;

  if (d <= EXACT_MAX_D) {
    double *C = calloc((size_t)d * d, sizeof(double)), *w = malloc(sizeof(double) * d);
    double *V = malloc(sizeof(double) * d * d), *xc = malloc(sizeof(double) * d);
    if (!C || !w || !V || !xc) {
      free(C), free(w), free(V), free(xc);
      goto oom;
    }
    for (int r = 0; r < n; r++) {
      const float *x = view_row(v, r, rb);
      for (int j = 0; j < d; j++)
        xc[j] = (double)x[j] - out->mean[j];
      for (int a = 0; a < d; a++)
        for (int b = a; b < d; b++)
          C[a * d + b] += xc[a] * xc[b];
    }
    for (int a = 0; a < d; a++)
      for (int b = 0; b < a; b++)
        C[a * d + b] = C[b * d + a];
    prj_eigh(C, d, w, V);
    for (int c = 0; c < k; c++) {
      out->var[c] = w[c] > 0 ? w[c] / denom : 0.0;
      for (int j = 0; j < d; j++)
        out->axes[(size_t)c * d + j] = (float)V[j * d + c];
      fix_sign(out->axes + (size_t)c * d, d);
    }
    free(C), free(w), free(V), free(xc), free(rb);
    return 0;
  }

  /* randomised: range finder with power iterations, then Rayleigh-Ritz on the small side */
  int l = k + OVERSAMPLE < d ? k + OVERSAMPLE : d;
  float *W = malloc(sizeof(float) * d * l), *Y = malloc(sizeof(float) * (size_t)n * l);
  float *blk = malloc(sizeof(float) * d * l), *xc = malloc(sizeof(float) * (TBLK + 1) * (size_t)d);
  double *acc = malloc(sizeof(double) * d * l), *G = calloc((size_t)l * l, sizeof(double));
  double *w = malloc(sizeof(double) * l), *U = malloc(sizeof(double) * l * l);
  if (!W || !Y || !blk || !xc || !acc || !G || !w || !U) {
    free(W), free(Y), free(blk), free(xc), free(acc), free(G), free(w), free(U);
    goto oom;
  }
  prj_rng rng;
  prj_rng_seed(&rng, seed, 0x9ca);
  for (size_t i = 0; i < (size_t)d * l; i++)
    W[i] = (float)prj_rng_normal(&rng);
  int fail = 0;
  times(v, out->mean, n, d, W, l, Y, xc);
  fail |= orthonormalize(Y, n, l);
  for (int it = 0; it < POWER_ITERS && !fail; it++) {
    times_t(v, out->mean, n, d, Y, l, W, blk, acc, xc);
    fail |= orthonormalize(W, d, l);
    times(v, out->mean, n, d, W, l, Y, xc);
    fail |= orthonormalize(Y, n, l);
  }
  if (!fail) {
    times_t(v, out->mean, n, d, Y, l, W, blk, acc, xc); /* W = Xc^T Q = B^T, d x l */
    for (int j = 0; j < d; j++)
      for (int a = 0; a < l; a++)
        for (int b = a; b < l; b++)
          G[a * l + b] += acc[(size_t)j * l + a] * acc[(size_t)j * l + b];
    for (int a = 0; a < l; a++)
      for (int b = 0; b < a; b++)
        G[a * l + b] = G[b * l + a];
    prj_eigh(G, l, w, U);
    for (int c = 0; c < k; c++) {
      double s = w[c] > 0 ? sqrt(w[c]) : 0.0;
      out->var[c] = w[c] > 0 ? w[c] / denom : 0.0;
      float *axis = out->axes + (size_t)c * d;
      for (int j = 0; j < d; j++) {
        double v = 0;
        for (int a = 0; a < l; a++)
          v += acc[(size_t)j * l + a] * U[a * l + c];
        axis[j] = s > 0 ? (float)(v / s) : 0.0f;
      }
      fix_sign(axis, d);
    }
  }
  free(W), free(Y), free(blk), free(xc), free(acc), free(G), free(w), free(U);
  if (fail)
    goto oom;
  free(rb);
  return 0;
oom:
  free(mean), free(colvar), free(rb);
  prj_pca_free(out);
  snprintf(err, errlen, "PCA: out of memory (n=%d, d=%d)", n, d);
  return -1;
}

int prj_pca_transform(const prj_pca *p, const float *X, int n, float *Y) {
  prj_view v = {X, p->d, NULL, NULL, NULL};
  return prj_pca_transform_view(p, &v, n, Y);
}

int prj_pca_transform_view(const prj_pca *p, const prj_view *v, int n, float *Y) {
  int d = p->d, k = p->k;
  float *xc = malloc(sizeof(float) * 5 * (size_t)d), *at = malloc(sizeof(float) * (size_t)d * k);
  if (!xc || !at) {
    free(xc), free(at);
    return -1;
  }
  for (int c = 0; c < k; c++) /* at: d x k, the axes as columns */
    for (int j = 0; j < d; j++)
      at[(size_t)j * k + c] = p->axes[(size_t)c * d + j];
  times(v, p->mean, n, d, at, k, Y, xc);
  free(xc), free(at);
  return 0;
}

void prj_pca_free(prj_pca *p) {
  free(p->mean);
  free(p->axes);
  free(p->var);
  memset(p, 0, sizeof *p);
}
