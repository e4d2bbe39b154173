/* kernels.c — fast kernels; see kernels.h. */
#include "nn/kernels.h"

#include <math.h>
#include <string.h>

#include "nn/net.h"
#include "nn/ref_ops.h"
#include "nn/simd4.h"

#define NR NN_K_NR
#ifndef NN_K_CHUNK_BYTES
#define NN_K_CHUNK_BYTES (128 * 1024) /* A rows per pass of the weight panels (see nn_k_gemm) */
#endif
#ifndef NN_K_SMALL_W_BYTES
#define NN_K_SMALL_W_BYTES (40 * 1024) /* packed weights that nn_k_gemm keeps in L1 whole */
#endif
#define MR 4 /* rows of a GEMM tile (5 or 6 rows spill a little: x86 has 16 vector registers) */

size_t nn_k_packed_size(int N, int K) { return (size_t)((N + NR - 1) / NR) * NR * ((size_t)K + 1); }

void nn_k_pack(const float *w, const float *bias, int N, int K, float *p) {
  for (int j0 = 0; j0 < N; j0 += NR) {
    for (int j = 0; j < NR; j++)
      *p++ = (j0 + j < N && bias) ? bias[j0 + j] : 0.0f;
    for (int k = 0; k < K; k++)
      for (int j = 0; j < NR; j++)
        *p++ = (j0 + j < N) ? w[(size_t)(j0 + j) * K + k] : 0.0f;
  }
}

/* One ROWS x NR block of C: rows A[0..ROWS), panel bp (bias, then K x NR), 2 x ROWS f32x4
 * accumulators. Bias and activation are fused (accumulators start at the bias; the activation
 * is applied in registers before the store); nr < NR stores only nr columns. The k loop is left
 * to clang (it unrolls it by 2): unrolling it by hand lets clang hoist every step's broadcasts to
 * the top of the body, and V8 then spills them (measured: 25% slower). */
#define ACC(r, kk)                                                                                 \
  do {                                                                                             \
    v4 x_ = v_ldsplat(a[r] + k + (kk));                                                            \
    c0[r] = v_madd(x_, b0, c0[r]);                                                                 \
    c1[r] = v_madd(x_, b1, c1[r]);                                                                 \
  } while (0)
#define DEF_TILE(NAME, ROWS)                                                                       \
  static void NAME(const float *A, size_t lda, int K, const float *bp, int nr, int act, float *C,  \
                   size_t ldc) {                                                                   \
    const float *a[ROWS];                                                                          \
    for (int r = 0; r < ROWS; r++)                                                                 \
      a[r] = A + (size_t)r * lda;                                                                  \
    v4 c0[ROWS], c1[ROWS];                                                                         \
    v4 bias0 = v_ld(bp), bias1 = v_ld(bp + 4);                                                     \
    for (int r = 0; r < ROWS; r++)                                                                 \
      c0[r] = bias0, c1[r] = bias1;                                                                \
    bp += NR;                                                                                      \
    for (int k = 0; k < K; k++, bp += NR) {                                                        \
      v4 b0 = v_ld(bp), b1 = v_ld(bp + 4);                                                         \
      for (int r = 0; r < ROWS; r++)                                                               \
        ACC(r, 0);                                                                                 \
    }                                                                                              \
    for (int r = 0; r < ROWS; r++)                                                                 \
      c0[r] = v_act(c0[r], act), c1[r] = v_act(c1[r], act);                                        \
    if (nr == NR) {                                                                                \
      for (int r = 0; r < ROWS; r++)                                                               \
        v_st(C + r * ldc, c0[r]), v_st(C + r * ldc + 4, c1[r]);                                    \
      return;                                                                                      \
    }                                                                                              \
    float t[ROWS][NR];                                                                             \
    for (int r = 0; r < ROWS; r++)                                                                 \
      v_st(t[r], c0[r]), v_st(t[r] + 4, c1[r]);                                                    \
    for (int r = 0; r < ROWS; r++)                                                                 \
      memcpy(C + r * ldc, t[r], (size_t)nr * sizeof(float));                                       \
  }

DEF_TILE(tile6, 6)
DEF_TILE(tile5, 5)
DEF_TILE(tile4, 4)
DEF_TILE(tile3, 3)
DEF_TILE(tile2, 2)
DEF_TILE(tile1, 1)

typedef void (*tile_fn)(const float *, size_t, int, const float *, int, int, float *, size_t);
static const tile_fn tiles[7] = {NULL, tile1, tile2, tile3, tile4, tile5, tile6};

void nn_k_gemm(const float *A, int M, int K, const float *packed, int N, int act, float *C) {
  int tact = act == NN_ACT_SIGMOID ? NN_ACT_NONE : act;
  size_t pstride = (size_t)NR * ((size_t)K + 1);
  /* Rows in chunks of about 128 KiB of A (kept in L2 while every panel passes over them);
   * each panel (K x 8) stays in L1 while the chunk's row tiles use it. */
  int mc = (int)((NN_K_CHUNK_BYTES / sizeof(float)) / (size_t)(K > 0 ? K : 1)) / MR * MR;
  if (mc < MR)
    mc = MR;
  size_t wbytes = (size_t)((N + NR - 1) / NR) * pstride * sizeof(float);
  for (int m0 = 0; m0 < M; m0 += mc) {
    int m1 = M - m0 < mc ? M : m0 + mc;
    /* the chunk's rows in tiles of at most MR rows, as even as can be (7 rows: 4 + 3); but 5 or 6
     * rows (a 3 x 2 map at batch 1) in one tile: those GEMMs stream large weight matrices that
     * do not stay in cache, and one pass over each panel beats two (measured: the 6-row tile
     * spills a little in V8, so it is slower than 4 rows where the panel is reused from L1) */
    int rows = m1 - m0, nt = rows <= 6 ? 1 : (rows + MR - 1) / MR;
    if (wbytes <= NN_K_SMALL_W_BYTES) {
      /* all the weights fit in L1: each row tile takes every panel in turn, so its rows of A
       * stay in L1 and its rows of C are written whole, once (the first layers: K = 9, 32) */
      int i0 = m0;
      for (int t = 0; t < nt; t++) {
        int mr = rows / nt + (t < rows % nt);
        for (int j0 = 0; j0 < N; j0 += NR)
          tiles[mr](A + (size_t)i0 * K, (size_t)K, K, packed + (size_t)(j0 / NR) * pstride,
                    N - j0 < NR ? N - j0 : NR, tact, C + (size_t)i0 * N + j0, (size_t)N);
        i0 += mr;
      }
      continue;
    }
    for (int j0 = 0; j0 < N; j0 += NR) {
      const float *bp = packed + (size_t)(j0 / NR) * pstride;
      int nr = N - j0 < NR ? N - j0 : NR;
      int i0 = m0;
      for (int t = 0; t < nt; t++) {
        int mr = rows / nt + (t < rows % nt);
        tiles[mr](A + (size_t)i0 * K, (size_t)K, K, bp, nr, tact, C + (size_t)i0 * N + j0,
                  (size_t)N);
        i0 += mr;
      }
    }
  }
  if (act == NN_ACT_SIGMOID)
    for (size_t i = 0; i < (size_t)M * N; i++)
      C[i] = nn_activate(C[i], act);
}

size_t nn_k_conv3_col(int h, int w, int cin, int stride) {
  size_t col = (size_t)nn_same_out(h, stride) * nn_same_out(w, stride) * 9 * cin;
  /* one input channel: a zero-bordered copy of the patch follows the columns */
  if (cin == 1)
    col += (size_t)(h + 2) * (w + 2);
  return col;
}

/* im2col of one single-channel patch: copy it into a zero border of one pixel (the 'same'
 * padding of a 3x3 window is at most one pixel per side), then gather every output pixel's nine
 * taps without a bounds test. */
static void im2col1(const float *x, int h, int w, int oh, int ow, int stride, int pt, int pl,
                    float *pad, float *c) {
  int pw = w + 2;
  memset(pad, 0, (size_t)pw * sizeof(float));
  for (int y = 0; y < h; y++) {
    float *row = pad + (size_t)(y + 1) * pw;
    row[0] = 0.0f;
    memcpy(row + 1, x + (size_t)y * w, (size_t)w * sizeof(float));
    row[w + 1] = 0.0f;
  }
  memset(pad + (size_t)(h + 1) * pw, 0, (size_t)pw * sizeof(float));
  for (int oy = 0; oy < oh; oy++) {
    const float *r0 = pad + (size_t)(oy * stride - pt + 1) * pw - pl + 1;
    const float *r1 = r0 + pw, *r2 = r1 + pw;
    for (int ox = 0; ox < ow; ox++, c += 9) {
      int ix = ox * stride;
      c[0] = r0[ix], c[1] = r0[ix + 1], c[2] = r0[ix + 2];
      c[3] = r1[ix], c[4] = r1[ix + 1], c[5] = r1[ix + 2];
      c[6] = r2[ix], c[7] = r2[ix + 1], c[8] = r2[ix + 2];
    }
  }
}

void nn_k_conv3(const float *in, int n, int h, int w, int cin, const float *packed, int cout,
                int stride, int act, float *col, float *out) {
  int oh = nn_same_out(h, stride), ow = nn_same_out(w, stride);
  int pt = nn_same_pad(h, stride), pl = nn_same_pad(w, stride);
  size_t K = (size_t)9 * cin;
  for (int b = 0; b < n; b++) {
    const float *x = in + (size_t)b * h * w * cin;
    if (cin == 1) {
      im2col1(x, h, w, oh, ow, stride, pt, pl, col + (size_t)oh * ow * 9, col);
    } else {
      float *c = col;
      for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
          for (int ky = 0; ky < 3; ky++) {
            int iy = oy * stride + ky - pt;
            for (int kx = 0; kx < 3; kx++, c += cin) {
              int ix = ox * stride + kx - pl;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                memcpy(c, x + ((size_t)iy * w + ix) * cin, (size_t)cin * sizeof(float));
              else
                memset(c, 0, (size_t)cin * sizeof(float));
            }
          }
    }
    nn_k_gemm(col, oh * ow, (int)K, packed, cout, act, out + (size_t)b * oh * ow * cout);
  }
}

void nn_k_gap(const float *in, int n, int hw, int c, float *out) {
  float inv = 1.0f / (float)(hw > 0 ? hw : 1);
  for (int b = 0; b < n; b++) {
    const float *x = in + (size_t)b * hw * c;
    float *o = out + (size_t)b * c;
    int ch = 0;
    for (; ch + 4 <= c; ch += 4) {
      v4 s = v_splat(0.0f);
      for (int p = 0; p < hw; p++)
        s = v_add(s, v_ld(x + (size_t)p * c + ch));
      v_st(o + ch, v_mul(s, v_splat(inv)));
    }
    for (; ch < c; ch++) {
      float s = 0.0f;
      for (int p = 0; p < hw; p++)
        s += x[(size_t)p * c + ch];
      o[ch] = s * inv;
    }
  }
}
