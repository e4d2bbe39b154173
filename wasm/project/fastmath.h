/* fastmath.h — float approximations for the inner loops of the projection engine, built from
 * +, -, *, / and bit moves only, so the native and the wasm builds give bit-identical results
 * (libm's powf differs between glibc and the wasm libc). Accurate to about 1e-5, far below the
 * noise of the stochastic gradient descent that uses them. */
#ifndef PRJ_FASTMATH_H
#define PRJ_FASTMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* x^b for x > 0 (x below 1e-30 is taken as 1e-30) as 2^(b log2 x): log2 from the exponent bits
 * and a degree-5 polynomial of the mantissa m - 1 in [0, 1) (absolute error 1.3e-5), 2^y with
 * y = i + f, i = floor(y + 1/2), 2^f by a degree-4 polynomial on [-1/2, 1/2] (relative error
 * 2.6e-6), 2^i from the bits. Relative error of x^b below 1e-5 * (1 + |b|). The polynomials are
 * least-squares fits made for this file. The four-lane version below takes the same steps. */
#define PRJ_L0 1.253967e-05f
#define PRJ_L1 1.44168451f
#define PRJ_L2 -0.707992237f
#define PRJ_L3 0.413628923f
#define PRJ_L4 -0.192194238f
#define PRJ_L5 0.044873042f
#define PRJ_E0 1.00000015f
#define PRJ_E1 0.693121036f
#define PRJ_E2 0.240218656f
#define PRJ_E3 0.0559220257f
#define PRJ_E4 0.00968570565f

static inline float prj_powf(float x, float b) {
  x = x >= 1e-30f ? x : 1e-30f;
  uint32_t bits;
  memcpy(&bits, &x, 4);
  int e = (int)(bits >> 23) - 127;
  bits = (bits & 0x007fffffu) | 0x3f800000u;
  float m;
  memcpy(&m, &bits, 4);
  float t = m - 1.0f;
  float p = PRJ_L0 + t * (PRJ_L1 + t * (PRJ_L2 + t * (PRJ_L3 + t * (PRJ_L4 + t * PRJ_L5))));
  float y = b * ((float)e + p);
  y = y > -126.0f ? y : -126.0f;
  y = y < 126.0f ? y : 126.0f;
  float fi = floorf(y + 0.5f), f = y - fi;
  float q = PRJ_E0 + f * (PRJ_E1 + f * (PRJ_E2 + f * (PRJ_E3 + f * PRJ_E4)));
  uint32_t sb = (uint32_t)((int)fi + 127) << 23;
  float sc;
  memcpy(&sc, &sb, 4);
  return q * sc;
}

/* UMAP's repulsive gradient coefficient for four squared distances at once:
 * out = d2 > 0 ? c / ((0.001 + d2) (a d2^b + 1)) : 0, bit-identical on both builds. */
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
/* x^b in four lanes, the same steps as prj_powf */
static inline v128_t prj_pow4v(v128_t x, float b) {
  v128_t bits = wasm_f32x4_pmax(x, wasm_f32x4_splat(1e-30f));
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), wasm_i32x4_splat(127));
  v128_t m =
      wasm_v128_or(wasm_v128_and(bits, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0x3f800000));
  v128_t t = wasm_f32x4_sub(m, wasm_f32x4_splat(1.0f));
  v128_t p = wasm_f32x4_add(wasm_f32x4_splat(PRJ_L4), wasm_f32x4_mul(t, wasm_f32x4_splat(PRJ_L5)));
  p = wasm_f32x4_add(wasm_f32x4_splat(PRJ_L3), wasm_f32x4_mul(t, p));
  p = wasm_f32x4_add(wasm_f32x4_splat(PRJ_L2), wasm_f32x4_mul(t, p));
  p = wasm_f32x4_add(wasm_f32x4_splat(PRJ_L1), wasm_f32x4_mul(t, p));
  p = wasm_f32x4_add(wasm_f32x4_splat(PRJ_L0), wasm_f32x4_mul(t, p));
  v128_t y = wasm_f32x4_mul(wasm_f32x4_splat(b), wasm_f32x4_add(wasm_f32x4_convert_i32x4(e), p));
  y = wasm_f32x4_pmax(y, wasm_f32x4_splat(-126.0f));
  y = wasm_f32x4_pmin(y, wasm_f32x4_splat(126.0f));
  v128_t fi = wasm_f32x4_floor(wasm_f32x4_add(y, wasm_f32x4_splat(0.5f)));
  v128_t f = wasm_f32x4_sub(y, fi);
  v128_t q = wasm_f32x4_add(wasm_f32x4_splat(PRJ_E3), wasm_f32x4_mul(f, wasm_f32x4_splat(PRJ_E4)));
  q = wasm_f32x4_add(wasm_f32x4_splat(PRJ_E2), wasm_f32x4_mul(f, q));
  q = wasm_f32x4_add(wasm_f32x4_splat(PRJ_E1), wasm_f32x4_mul(f, q));
  q = wasm_f32x4_add(wasm_f32x4_splat(PRJ_E0), wasm_f32x4_mul(f, q));
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
static inline v128_t prj_umap_att4v(v128_t x, float a, float b, float c) {
  v128_t pos = wasm_f32x4_gt(x, wasm_f32x4_splat(0.0f));
  v128_t pw = prj_pow4v(x, b);
  v128_t g = wasm_f32x4_div(
      wasm_f32x4_mul(wasm_f32x4_splat(-c), wasm_f32x4_div(pw, x)),
      wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(a), pw), wasm_f32x4_splat(1.0f)));
  return wasm_v128_and(g, pos);
}
static inline void prj_umap_att4(const float d2[4], float a, float b, float c, float out[4]) {
  wasm_v128_store(out, prj_umap_att4v(wasm_v128_load(d2), a, b, c));
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
