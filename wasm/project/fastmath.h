/* fastmath.h — float approximations for the inner loops of the projection engine, built from
 * +, -, *, / and bit moves only, so the native and the wasm builds give bit-identical results
 * (libm's powf differs between glibc and the wasm libc). Relative error below 1e-6 over the
 * range the layouts use. */
#ifndef PRJ_FASTMATH_H
#define PRJ_FASTMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* log2(x) for x > 0 (x below 1e-30 is taken as 1e-30): exponent from the bits, the mantissa m
 * in [sqrt(1/2), sqrt(2)) by the atanh series of t = (m - 1) / (m + 1), |t| <= 0.172.
 * Branch-free, so the four-lane version below follows the same steps. */
static inline float prj_log2f(float x) {
  x = x >= 1e-30f ? x : 1e-30f;
  uint32_t bits;
  memcpy(&bits, &x, 4);
  int e = (int)(bits >> 23) - 127;
  bits = (bits & 0x007fffffu) | 0x3f800000u;
  float m;
  memcpy(&m, &bits, 4);
  int big = m > 1.41421356f;
  m = big ? m * 0.5f : m;
  e += big;
  float t = (m - 1.0f) / (m + 1.0f), t2 = t * t;
  /* 2 / ln 2 * (t + t^3/3 + t^5/5 + t^7/7) */
  float p = t * (2.88539008f + t2 * (0.961796694f + t2 * (0.577078016f + t2 * 0.412198583f)));
  return (float)e + p;
}

/* 2^y, y clamped to [-126, 126]: y = i + f with i = floor(y + 1/2), 2^f by its Taylor series. */
static inline float prj_exp2f(float y) {
  y = y > -126.0f ? y : -126.0f;
  y = y < 126.0f ? y : 126.0f;
  float fi = floorf(y + 0.5f);
  float f = (y - fi) * 0.693147181f; /* ln 2 */
  float p =
      1.0f +
      f * (1.0f + f * (0.5f + f * (0.166666667f +
                                   f * (0.0416666667f + f * (0.00833333333f + f * 0.00138888889f)))));
  uint32_t bits = (uint32_t)((int)fi + 127) << 23;
  float s;
  memcpy(&s, &bits, 4);
  return p * s;
}

/* x^b for x > 0 */
static inline float prj_powf(float x, float b) { return prj_exp2f(b * prj_log2f(x)); }

/* UMAP's repulsive gradient coefficient for four squared distances at once:
 * out = d2 > 0 ? c / ((0.001 + d2) (a d2^b + 1)) : 0, bit-identical on both builds. */
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
/* x^b in four lanes, the same steps as prj_powf */
static inline v128_t prj_pow4v(v128_t x, float b) {
  v128_t xc = wasm_f32x4_pmax(x, wasm_f32x4_splat(1e-30f));
  v128_t bits = xc;
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), wasm_i32x4_splat(127));
  v128_t m = wasm_v128_or(wasm_v128_and(bits, wasm_i32x4_splat(0x007fffff)),
                          wasm_i32x4_splat(0x3f800000));
  v128_t big = wasm_f32x4_gt(m, wasm_f32x4_splat(1.41421356f));
  m = wasm_v128_bitselect(wasm_f32x4_mul(m, wasm_f32x4_splat(0.5f)), m, big);
  e = wasm_i32x4_sub(e, big); /* big is -1 where set */
  v128_t one = wasm_f32x4_splat(1.0f);
  v128_t t = wasm_f32x4_div(wasm_f32x4_sub(m, one), wasm_f32x4_add(m, one));
  v128_t t2 = wasm_f32x4_mul(t, t);
  v128_t p = wasm_f32x4_add(wasm_f32x4_splat(0.577078016f),
                            wasm_f32x4_mul(t2, wasm_f32x4_splat(0.412198583f)));
  p = wasm_f32x4_add(wasm_f32x4_splat(0.961796694f), wasm_f32x4_mul(t2, p));
  p = wasm_f32x4_add(wasm_f32x4_splat(2.88539008f), wasm_f32x4_mul(t2, p));
  v128_t lg = wasm_f32x4_add(wasm_f32x4_convert_i32x4(e), wasm_f32x4_mul(t, p));
  v128_t y = wasm_f32x4_mul(wasm_f32x4_splat(b), lg);
  y = wasm_f32x4_pmax(y, wasm_f32x4_splat(-126.0f));
  y = wasm_f32x4_pmin(y, wasm_f32x4_splat(126.0f));
  v128_t fi = wasm_f32x4_floor(wasm_f32x4_add(y, wasm_f32x4_splat(0.5f)));
  v128_t f = wasm_f32x4_mul(wasm_f32x4_sub(y, fi), wasm_f32x4_splat(0.693147181f));
  v128_t q = wasm_f32x4_add(wasm_f32x4_splat(0.00833333333f),
                            wasm_f32x4_mul(f, wasm_f32x4_splat(0.00138888889f)));
  q = wasm_f32x4_add(wasm_f32x4_splat(0.0416666667f), wasm_f32x4_mul(f, q));
  q = wasm_f32x4_add(wasm_f32x4_splat(0.166666667f), wasm_f32x4_mul(f, q));
  q = wasm_f32x4_add(wasm_f32x4_splat(0.5f), wasm_f32x4_mul(f, q));
  q = wasm_f32x4_add(one, wasm_f32x4_mul(f, q));
  q = wasm_f32x4_add(one, wasm_f32x4_mul(f, q));
  /* 2^fi from the bits of fi + 1.5 * 2^23 (exact: fi is a whole number of magnitude <= 126,
   * its low bits are fi; the shift drops the rest), cheaper than a float-to-int conversion */
  v128_t fib = wasm_f32x4_add(fi, wasm_f32x4_splat(12582912.0f));
  v128_t sc = wasm_i32x4_shl(wasm_i32x4_add(fib, wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(q, sc);
}

static inline v128_t prj_umap_rep4v(v128_t x, float a, float b, float c) {
  v128_t pos = wasm_f32x4_gt(x, wasm_f32x4_splat(0.0f));
  v128_t one = wasm_f32x4_splat(1.0f);
  v128_t pw = prj_pow4v(x, b);
  v128_t den = wasm_f32x4_mul(wasm_f32x4_add(wasm_f32x4_splat(0.001f), x),
                              wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(a), pw), one));
  v128_t g = wasm_f32x4_div(wasm_f32x4_splat(c), den);
  return wasm_v128_and(g, pos);
}
static inline void prj_umap_rep4(const float d2[4], float a, float b, float c, float out[4]) {
  wasm_v128_store(out, prj_umap_rep4v(wasm_v128_load(d2), a, b, c));
}
/* UMAP's attractive gradient coefficient for four squared distances at once:
 * out = d2 > 0 ? (-c (d2^b / d2)) / (a d2^b + 1) : 0 (c = 2ab), bit-identical on both builds. */
static inline void prj_umap_att4(const float d2[4], float a, float b, float c, float out[4]) {
  v128_t x = wasm_v128_load(d2);
  v128_t pos = wasm_f32x4_gt(x, wasm_f32x4_splat(0.0f));
  v128_t pw = prj_pow4v(x, b);
  v128_t g = wasm_f32x4_div(wasm_f32x4_mul(wasm_f32x4_splat(-c), wasm_f32x4_div(pw, x)),
                            wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(a), pw),
                                           wasm_f32x4_splat(1.0f)));
  wasm_v128_store(out, wasm_v128_and(g, pos));
}
#else
static inline void prj_umap_att4(const float d2[4], float a, float b, float c, float out[4]) {
  for (int l = 0; l < 4; l++) {
    if (!(d2[l] > 0.0f)) {
      out[l] = 0.0f;
      continue;
    }
    float pw = prj_powf(d2[l], b);
    out[l] = (-c * (pw / d2[l])) / (a * pw + 1.0f);
  }
}
static inline void prj_umap_rep4(const float d2[4], float a, float b, float c, float out[4]) {
  for (int l = 0; l < 4; l++)
    out[l] = d2[l] > 0.0f ? c / ((0.001f + d2[l]) * (a * prj_powf(d2[l], b) + 1.0f)) : 0.0f;
}
#endif

#endif
