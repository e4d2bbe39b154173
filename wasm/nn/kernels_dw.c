/* kernels_dw.c — the fast 3x3 depthwise convolution (nn_k_dw3, declared in kernels.h).
 *
 * NHWC, so channels are innermost and a 4-channel block is one f32x4 vector. For each output row
 * and block of 4 channels, the block's nine weights and its bias stay in registers while the
 * kernel walks along the row; at stride 1 it computes two output columns per step from four input
 * columns (12 loads for 18 multiply-adds). Padding rows (above/below the map) get zero weights and
 * read a real row instead, so every row goes through the same three-row code; padding columns
 * (left/right edges) take a separate path that skips the missing taps. Channels left over after
 * the blocks of 4 (c % 4) are done one by one. */
#include <stddef.h>

#include "nn/kernels.h"
#include "nn/ref_ops.h"
#include "nn/simd4.h"

/* One output column of one 4-channel block, taps kx in [kx0, kx1) only (the edges). */
static inline v4 dw_edge(const float *r0, const float *r1, const float *r2, size_t cs, int x0,
                         int kx0, int kx1, v4 w0, v4 w1, v4 w2, v4 w3, v4 w4, v4 w5, v4 w6, v4 w7,
                         v4 w8, v4 s) {
  if (kx0 <= 0) {
    size_t o = (size_t)x0 * cs;
    s = v_madd(v_ld(r0 + o), w0, s);
    s = v_madd(v_ld(r1 + o), w3, s);
    s = v_madd(v_ld(r2 + o), w6, s);
  }
  if (kx0 <= 1 && kx1 >= 2) {
    size_t o = (size_t)(x0 + 1) * cs;
    s = v_madd(v_ld(r0 + o), w1, s);
    s = v_madd(v_ld(r1 + o), w4, s);
    s = v_madd(v_ld(r2 + o), w7, s);
  }
  if (kx1 >= 3) {
    size_t o = (size_t)(x0 + 2) * cs;
    s = v_madd(v_ld(r0 + o), w2, s);
    s = v_madd(v_ld(r1 + o), w5, s);
    s = v_madd(v_ld(r2 + o), w8, s);
  }
  return s;
}

/* One output row, channels [0, c4) in blocks of 4. r[ky]: input rows (a real row when that row
 * is padding, and then live[ky] is 0 and its weights are zero). Always inlined into dw_row, which
 * instantiates it with the common channel counts and strides as constants: then every tap's
 * offset (a multiple of c) is a constant that wasm folds into the load instruction, and the
 * kernel walks with one pointer per input row instead of computing an address per tap. */
static inline __attribute__((always_inline)) void
dw_row_body(const float *const r[3], const int live[3], int w, const size_t cs, int c4, int ow,
            const int stride, int pl, const float *wt, const float *bias, int act, float *o) {
  const v4 z = v_splat(0.0f);
  /* interior output columns: every tap inside the row */
  int xa = (pl + stride - 1) / stride; /* first ox with x0 = ox*stride - pl >= 0 */
  int xb = (w - 3 + pl) / stride + 1;  /* first ox with x0 + 2 >= w */
  if (w - 3 + pl < 0)
    xb = 0;
  if (xb > ow)
    xb = ow;
  if (xa > xb)
    xa = xb;
  for (int ch = 0; ch < c4; ch += 4) {
    const float *r0 = r[0] + ch, *r1 = r[1] + ch, *r2 = r[2] + ch;
    const float *k = wt + ch;
    v4 w0 = live[0] ? v_ld(k) : z, w1 = live[0] ? v_ld(k + cs) : z;
    v4 w2 = live[0] ? v_ld(k + 2 * cs) : z, w3 = live[1] ? v_ld(k + 3 * cs) : z;
    v4 w4 = live[1] ? v_ld(k + 4 * cs) : z, w5 = live[1] ? v_ld(k + 5 * cs) : z;
    v4 w6 = live[2] ? v_ld(k + 6 * cs) : z, w7 = live[2] ? v_ld(k + 7 * cs) : z;
    v4 w8 = live[2] ? v_ld(k + 8 * cs) : z;
    v4 b = bias ? v_ld(bias + ch) : z;
    float *oc = o + ch;
    for (int ox = 0; ox < xa; ox++) {
      int x0 = ox * stride - pl;
      int kx0 = x0 < 0 ? -x0 : 0, kx1 = x0 + 3 > w ? w - x0 : 3;
      v4 s = dw_edge(r0, r1, r2, cs, x0, kx0, kx1, w0, w1, w2, w3, w4, w5, w6, w7, w8, b);
      v_st(oc + (size_t)ox * cs, v_act(s, act));
    }
    int ox = xa;
    if (stride == 1) {
      /* four output columns per step from six input columns: four chains of dependent adds in
       * flight instead of two (each column summed in the same tap order as below: the same
       * bits) */
      for (; ox + 4 <= xb; ox += 4) {
        size_t o0 = (size_t)(ox - pl) * cs;
        const float *p[3] = {r0 + o0, r1 + o0, r2 + o0};
        v4 s0 = b, s1 = b, s2 = b, s3 = b;
        const v4 wr[3][3] = {{w0, w1, w2}, {w3, w4, w5}, {w6, w7, w8}};
        for (int ky = 0; ky < 3; ky++) {
          const float *q = p[ky];
          v4 a0 = v_ld(q), a1 = v_ld(q + cs), a2 = v_ld(q + 2 * cs);
          v4 a3 = v_ld(q + 3 * cs), a4 = v_ld(q + 4 * cs), a5 = v_ld(q + 5 * cs);
          s0 = v_madd(a0, wr[ky][0], s0);
          s1 = v_madd(a1, wr[ky][0], s1);
          s2 = v_madd(a2, wr[ky][0], s2);
          s3 = v_madd(a3, wr[ky][0], s3);
          s0 = v_madd(a1, wr[ky][1], s0);
          s1 = v_madd(a2, wr[ky][1], s1);
          s2 = v_madd(a3, wr[ky][1], s2);
          s3 = v_madd(a4, wr[ky][1], s3);
          s0 = v_madd(a2, wr[ky][2], s0);
          s1 = v_madd(a3, wr[ky][2], s1);
          s2 = v_madd(a4, wr[ky][2], s2);
          s3 = v_madd(a5, wr[ky][2], s3);
        }
        v_st(oc + (size_t)ox * cs, v_act(s0, act));
        v_st(oc + (size_t)(ox + 1) * cs, v_act(s1, act));
        v_st(oc + (size_t)(ox + 2) * cs, v_act(s2, act));
        v_st(oc + (size_t)(ox + 3) * cs, v_act(s3, act));
      }
      for (; ox + 2 <= xb; ox += 2) {
        size_t o0 = (size_t)(ox - pl) * cs;
        const float *p0 = r0 + o0, *p1 = r1 + o0, *p2 = r2 + o0;
        v4 s0 = b, s1 = b, a;
        a = v_ld(p0);
        s0 = v_madd(a, w0, s0);
        a = v_ld(p0 + cs);
        s0 = v_madd(a, w1, s0);
        s1 = v_madd(a, w0, s1);
        a = v_ld(p0 + 2 * cs);
        s0 = v_madd(a, w2, s0);
        s1 = v_madd(a, w1, s1);
        a = v_ld(p0 + 3 * cs);
        s1 = v_madd(a, w2, s1);
        a = v_ld(p1);
        s0 = v_madd(a, w3, s0);
        a = v_ld(p1 + cs);
        s0 = v_madd(a, w4, s0);
        s1 = v_madd(a, w3, s1);
        a = v_ld(p1 + 2 * cs);
        s0 = v_madd(a, w5, s0);
        s1 = v_madd(a, w4, s1);
        a = v_ld(p1 + 3 * cs);
        s1 = v_madd(a, w5, s1);
        a = v_ld(p2);
        s0 = v_madd(a, w6, s0);
        a = v_ld(p2 + cs);
        s0 = v_madd(a, w7, s0);
        s1 = v_madd(a, w6, s1);
        a = v_ld(p2 + 2 * cs);
        s0 = v_madd(a, w8, s0);
        s1 = v_madd(a, w7, s1);
        a = v_ld(p2 + 3 * cs);
        s1 = v_madd(a, w8, s1);
        v_st(oc + (size_t)ox * cs, v_act(s0, act));
        v_st(oc + (size_t)(ox + 1) * cs, v_act(s1, act));
      }
    }
    for (; ox < xb; ox++) {
      size_t o0 = (size_t)(ox * stride - pl) * cs;
      const float *p0 = r0 + o0, *p1 = r1 + o0, *p2 = r2 + o0;
      v4 s = b;
      s = v_madd(v_ld(p0), w0, s);
      s = v_madd(v_ld(p0 + cs), w1, s);
      s = v_madd(v_ld(p0 + 2 * cs), w2, s);
      s = v_madd(v_ld(p1), w3, s);
      s = v_madd(v_ld(p1 + cs), w4, s);
      s = v_madd(v_ld(p1 + 2 * cs), w5, s);
      s = v_madd(v_ld(p2), w6, s);
      s = v_madd(v_ld(p2 + cs), w7, s);
      s = v_madd(v_ld(p2 + 2 * cs), w8, s);
      v_st(oc + (size_t)ox * cs, v_act(s, act));
    }
    for (; ox < ow; ox++) {
      int x0 = ox * stride - pl;
      int kx0 = x0 < 0 ? -x0 : 0, kx1 = x0 + 3 > w ? w - x0 : 3;
      v4 s = dw_edge(r0, r1, r2, cs, x0, kx0, kx1, w0, w1, w2, w3, w4, w5, w6, w7, w8, b);
      v_st(oc + (size_t)ox * cs, v_act(s, act));
    }
  }
}

static void dw_row(const float *const r[3], const int live[3], int w, int c, int c4, int ow,
                   int stride, int pl, const float *wt, const float *bias, int act, float *o) {
#define DW_CASE(C)                                                                                 \
  case C:                                                                                          \
    if (stride == 1)                                                                               \
      dw_row_body(r, live, w, C, c4, ow, 1, pl, wt, bias, act, o);                                 \
    else                                                                                           \
      dw_row_body(r, live, w, C, c4, ow, 2, pl, wt, bias, act, o);                                 \
    return;
  if (c4 == c)
    switch (c) {
      DW_CASE(32) DW_CASE(64) DW_CASE(128) DW_CASE(256) DW_CASE(512) DW_CASE(1024) default : break;
    }
#undef DW_CASE
  dw_row_body(r, live, w, (size_t)c, c4, ow, stride, pl, wt, bias, act, o);
}

void nn_k_dw3(const float *in, int n, int h, int w, int c, const float *wt, const float *bias,
              int stride, int act, float *out) {
  int oh = nn_same_out(h, stride), ow = nn_same_out(w, stride);
  int pt = nn_same_pad(h, stride), pl = nn_same_pad(w, stride);
  int c4 = c & ~3;
  size_t rs = (size_t)w * c;
  for (int b = 0; b < n; b++) {
    const float *x = in + (size_t)b * h * rs;
    for (int oy = 0; oy < oh; oy++) {
      int y0 = oy * stride - pt;
      int yv = y0 < 0 ? 0 : y0; /* a real row inside the window */
      const float *r[3];
      int live[3];
      for (int ky = 0; ky < 3; ky++) {
        int iy = y0 + ky;
        live[ky] = iy >= 0 && iy < h;
        r[ky] = x + (size_t)(live[ky] ? iy : yv) * rs;
      }
      float *o = out + ((size_t)b * oh + oy) * ow * c;
      if (c4)
        dw_row(r, live, w, c, c4, ow, stride, pl, wt, bias, act, o);
      for (int ch = c4; ch < c; ch++)
        for (int ox = 0; ox < ow; ox++) {
          float s = bias ? bias[ch] : 0.0f;
          for (int ky = 0; ky < 3; ky++) {
            if (!live[ky])
              continue;
            for (int kx = 0; kx < 3; kx++) {
              int ix = ox * stride - pl + kx;
              if (ix < 0 || ix >= w)
                continue;
              s += r[ky][(size_t)ix * c + ch] * wt[(ky * 3 + kx) * c + ch];
            }
          }
          o[(size_t)ox * c + ch] = nn_activate(s, act);
        }
    }
  }
}
