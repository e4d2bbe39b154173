/* kernels.c — fast kernels; see kernels.h. */
#include "nn/kernels.h"

#include <math.h>
#include <string.h>

#include "nn/net.h"
#include "nn/ref_ops.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
typedef v128_t v4;
static inline v4 v_ld(const float *p) { return wasm_v128_load(p); }
static inline void v_st(float *p, v4 v) { wasm_v128_store(p, v); }
static inline v4 v_splat(float x) { return wasm_f32x4_splat(x); }
static inline v4 v_ldsplat(const float *p) { return wasm_v128_load32_splat(p); }
static inline v4 v_madd(v4 a, v4 b, v4 c) { return wasm_f32x4_add(c, wasm_f32x4_mul(a, b)); }
static inline v4 v_add(v4 a, v4 b) { return wasm_f32x4_add(a, b); }
static inline v4 v_mul(v4 a, v4 b) { return wasm_f32x4_mul(a, b); }
static inline v4 v_max(v4 a, v4 b) { return wasm_f32x4_pmax(a, b); }
static inline v4 v_min(v4 a, v4 b) { return wasm_f32x4_pmin(a, b); }
#else
/* Portable fallback: GNU C vectors of 4 floats (gcc and clang lower them to the host's SIMD). */
typedef float v4 __attribute__((vector_size(16)));
static inline v4 v_ld(const float *p) { v4 v; memcpy(&v, p, sizeof v); return v; }
static inline void v_st(float *p, v4 v) { memcpy(p, &v, sizeof v); }
static inline v4 v_splat(float x) { v4 v = {x, x, x, x}; return v; }
static inline v4 v_ldsplat(const float *p) { return v_splat(*p); }
static inline v4 v_madd(v4 a, v4 b, v4 c) { return c + a * b; }
static inline v4 v_add(v4 a, v4 b) { return a + b; }
static inline v4 v_mul(v4 a, v4 b) { return a * b; }
static inline v4 v_max(v4 a, v4 b) {
  v4 r;
  for (int i = 0; i < 4; i++) r[i] = a[i] < b[i] ? b[i] : a[i];
  return r;
}
static inline v4 v_min(v4 a, v4 b) {
  v4 r;
  for (int i = 0; i < 4; i++) r[i] = b[i] < a[i] ? b[i] : a[i];
  return r;
}
#endif

#define NR SM_K_NR
#define MR 4

static inline v4 v_act(v4 x, int act) {
  if (act == SM_NN_ACT_RELU) return v_max(x, v_splat(0.0f));
  if (act == SM_NN_ACT_RELU6) return v_min(v_max(x, v_splat(0.0f)), v_splat(6.0f));
  return x;
}

size_t sm_k_packed_size(int N, int K) {
  return (size_t)((N + NR - 1) / NR) * NR * ((size_t)K + 1);
}

void sm_k_pack(const float *w, const float *bias, int N, int K, float *p) {
  for (int j0 = 0; j0 < N; j0 += NR) {
    for (int j = 0; j < NR; j++) *p++ = (j0 + j < N && bias) ? bias[j0 + j] : 0.0f;
    for (int k = 0; k < K; k++)
      for (int j = 0; j < NR; j++) *p++ = (j0 + j < N) ? w[(size_t)(j0 + j) * K + k] : 0.0f;
  }
}

/* One MR x NR block of C: rows A[0..mr) (missing rows alias the last real one), panel bp
 * (bias, then K x NR). MR x 2 accumulators, fully unrolled by the compiler. */
#define DEF_TILE(NAME, ROWS)                                                                   \
  static void NAME(const float *A, size_t lda, int mr, int K, const float *bp, int nr,        \
                   int act, float *C, size_t ldc) {                                           \
    const float *a[ROWS];                                                                     \
    a[0] = A;                                                                                 \
    for (int r = 1; r < ROWS; r++) a[r] = r < mr ? a[r - 1] + lda : a[r - 1];                 \
    v4 c0[ROWS], c1[ROWS];                                                                    \
    v4 bias0 = v_ld(bp), bias1 = v_ld(bp + 4);                                                \
    for (int r = 0; r < ROWS; r++) c0[r] = bias0, c1[r] = bias1;                              \
    bp += NR;                                                                                 \
    for (int k = 0; k < K; k++, bp += NR) {                                                   \
      v4 b0 = v_ld(bp), b1 = v_ld(bp + 4);                                                    \
      for (int r = 0; r < ROWS; r++) {                                                        \
        v4 x = v_ldsplat(a[r] + k);                                                           \
        c0[r] = v_madd(x, b0, c0[r]);                                                         \
        c1[r] = v_madd(x, b1, c1[r]);                                                         \
      }                                                                                       \
    }                                                                                         \
    for (int r = 0; r < ROWS; r++) c0[r] = v_act(c0[r], act), c1[r] = v_act(c1[r], act);     \
    if (mr == ROWS && nr == NR) {                                                             \
      for (int r = 0; r < ROWS; r++) v_st(C + r * ldc, c0[r]), v_st(C + r * ldc + 4, c1[r]);  \
      return;                                                                                 \
    }                                                                                         \
    float t[ROWS][NR];                                                                        \
    for (int r = 0; r < ROWS; r++) v_st(t[r], c0[r]), v_st(t[r] + 4, c1[r]);                  \
    for (int r = 0; r < mr; r++) memcpy(C + r * ldc, t[r], (size_t)nr * sizeof(float));       \
  }

DEF_TILE(tile4, MR)
DEF_TILE(tile2, 2)
DEF_TILE(tile1, 1)

void sm_k_gemm(const float *A, int M, int K, const float *packed, int N, int act, float *C) {
  int tact = act == SM_NN_ACT_SIGMOID ? SM_NN_ACT_NONE : act;
  size_t pstride = (size_t)NR * ((size_t)K + 1);
  /* Rows in chunks of about 128 KiB of A (kept in L2 while every panel passes over them);
   * each panel (K x 8) stays in L1 while the chunk's row tiles use it. */
  int mc = (int)((128 * 1024 / sizeof(float)) / (size_t)(K > 0 ? K : 1)) / MR * MR;
  if (mc < MR) mc = MR;
  for (int m0 = 0; m0 < M; m0 += mc) {
    int m1 = M - m0 < mc ? M : m0 + mc;
    for (int j0 = 0; j0 < N; j0 += NR) {
      const float *bp = packed + (size_t)(j0 / NR) * pstride;
      int nr = N - j0 < NR ? N - j0 : NR;
      for (int i0 = m0; i0 < m1; i0 += MR) {
        int mr = m1 - i0 < MR ? m1 - i0 : MR;
        const float *a = A + (size_t)i0 * K;
        float *c = C + (size_t)i0 * N + j0;
        if (mr > 2) tile4(a, (size_t)K, mr, K, bp, nr, tact, c, (size_t)N);      /* ragged tails: */
        else if (mr == 2) tile2(a, (size_t)K, mr, K, bp, nr, tact, c, (size_t)N); /* no work on */
        else tile1(a, (size_t)K, mr, K, bp, nr, tact, c, (size_t)N);              /* absent rows */
      }
    }
  }
  if (act == SM_NN_ACT_SIGMOID)
    for (size_t i = 0; i < (size_t)M * N; i++) C[i] = sm_nn_activate(C[i], act);
}

size_t sm_k_conv3_col(int h, int w, int cin, int stride) {
  return (size_t)sm_nn_same_out(h, stride) * sm_nn_same_out(w, stride) * 9 * cin;
}

void sm_k_conv3(const float *in, int n, int h, int w, int cin, const float *packed, int cout,
                int stride, int act, float *col, float *out) {
  int oh = sm_nn_same_out(h, stride), ow = sm_nn_same_out(w, stride);
  int pt = sm_nn_same_pad(h, stride), pl = sm_nn_same_pad(w, stride);
  size_t K = (size_t)9 * cin;
  for (int b = 0; b < n; b++) {
    const float *x = in + (size_t)b * h * w * cin;
    float *c = col;
    for (int oy = 0; oy < oh; oy++)
      for (int ox = 0; ox < ow; ox++)
        for (int ky = 0; ky < 3; ky++) {
          int iy = oy * stride + ky - pt;
          for (int kx = 0; kx < 3; kx++, c += cin) {
            int ix = ox * stride + kx - pl;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
              memset(c, 0, (size_t)cin * sizeof(float));
            else
              memcpy(c, x + ((size_t)iy * w + ix) * cin, (size_t)cin * sizeof(float));
          }
        }
    sm_k_gemm(col, oh * ow, (int)K, packed, cout, act, out + (size_t)b * oh * ow * cout);
  }
}

void sm_k_dw3(const float *in, int n, int h, int w, int c, const float *wt, const float *bias,
              int stride, int act, float *out) {
  int oh = sm_nn_same_out(h, stride), ow = sm_nn_same_out(w, stride);
  int pt = sm_nn_same_pad(h, stride), pl = sm_nn_same_pad(w, stride);
  for (int b = 0; b < n; b++) {
    const float *x = in + (size_t)b * h * w * c;
    for (int oy = 0; oy < oh; oy++) {
      int y0 = oy * stride - pt;
      int ky0 = y0 < 0 ? -y0 : 0, ky1 = y0 + 3 > h ? h - y0 : 3;
      for (int ox = 0; ox < ow; ox++) {
        int x0 = ox * stride - pl;
        int kx0 = x0 < 0 ? -x0 : 0, kx1 = x0 + 3 > w ? w - x0 : 3;
        float *o = out + (((size_t)b * oh + oy) * ow + ox) * c;
        int ch = 0;
        for (; ch + 8 <= c; ch += 8) {
          v4 s0 = bias ? v_ld(bias + ch) : v_splat(0.0f);
          v4 s1 = bias ? v_ld(bias + ch + 4) : v_splat(0.0f);
          for (int ky = ky0; ky < ky1; ky++) {
            const float *row = x + ((size_t)(y0 + ky) * w + (size_t)(x0 + kx0)) * c + ch;
            const float *k = wt + (size_t)(ky * 3 + kx0) * c + ch;
            for (int kx = kx0; kx < kx1; kx++, row += c, k += c) {
              s0 = v_madd(v_ld(row), v_ld(k), s0);
              s1 = v_madd(v_ld(row + 4), v_ld(k + 4), s1);
            }
          }
          v_st(o + ch, v_act(s0, act));
          v_st(o + ch + 4, v_act(s1, act));
        }
        for (; ch < c; ch++) {
          float s = bias ? bias[ch] : 0.0f;
          for (int ky = ky0; ky < ky1; ky++)
            for (int kx = kx0; kx < kx1; kx++)
              s += x[((size_t)(y0 + ky) * w + x0 + kx) * c + ch] * wt[(ky * 3 + kx) * c + ch];
          o[ch] = sm_nn_activate(s, act);
        }
      }
    }
  }
}

void sm_k_gap(const float *in, int n, int hw, int c, float *out) {
  float inv = 1.0f / (float)(hw > 0 ? hw : 1);
  for (int b = 0; b < n; b++) {
    const float *x = in + (size_t)b * hw * c;
    float *o = out + (size_t)b * c;
    int ch = 0;
    for (; ch + 4 <= c; ch += 4) {
      v4 s = v_splat(0.0f);
      for (int p = 0; p < hw; p++) s = v_add(s, v_ld(x + (size_t)p * c + ch));
      v_st(o + ch, v_mul(s, v_splat(inv)));
    }
    for (; ch < c; ch++) {
      float s = 0.0f;
      for (int p = 0; p < hw; p++) s += x[(size_t)p * c + ch];
      o[ch] = s * inv;
    }
  }
}
