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
/* The constants of the four-lane functions, as vectors. Written as constants, clang keeps each
 * one a v128.const inside the loops that use them, and V8 builds every v128.const anew where it
 * stands (an immediate moved through a general register, then widened: about four instructions)
 * on every pass: about ninety instructions per pass of UMAP's negative-sample loop. Read through
 * volatile once per epoch (prj_pow4_k_live), they are values the compiler cannot fold back, kept
 * in locals or spilled once: the same arithmetic, the same bits, fewer instructions. The
 * one-call wrappers below take the folded table (prj_pow4_k_fixed), as before. */
typedef struct {
  v128_t tiny, mant, one, l0, l1, l2, l3, l4, l5, bias, lo, hi, half, e0, e1, e2, e3, e4, magic,
      eps, zero;
} prj_pow4_k;
#define PRJ_POW4_F                                                                                 \
  {                                                                                                \
    1e-30f, 1.0f, PRJ_L0, PRJ_L1, PRJ_L2, PRJ_L3, PRJ_L4, PRJ_L5, -126.0f, 126.0f, 0.5f, PRJ_E0,   \
        PRJ_E1, PRJ_E2, PRJ_E3, PRJ_E4, 12582912.0f, 0.001f, 0.0f                                  \
  }
#define PRJ_POW4_I                                                                                 \
  { 0x007fffff, 127 }
#define PRJ_POW4_K_FROM(f, i)                                                                      \
  {                                                                                                \
    wasm_f32x4_splat((f)[0]), wasm_i32x4_splat((i)[0]), wasm_f32x4_splat((f)[1]),                  \
        wasm_f32x4_splat((f)[2]), wasm_f32x4_splat((f)[3]), wasm_f32x4_splat((f)[4]),              \
        wasm_f32x4_splat((f)[5]), wasm_f32x4_splat((f)[6]), wasm_f32x4_splat((f)[7]),              \
        wasm_i32x4_splat((i)[1]), wasm_f32x4_splat((f)[8]), wasm_f32x4_splat((f)[9]),              \
        wasm_f32x4_splat((f)[10]), wasm_f32x4_splat((f)[11]), wasm_f32x4_splat((f)[12]),           \
        wasm_f32x4_splat((f)[13]), wasm_f32x4_splat((f)[14]), wasm_f32x4_splat((f)[15]),           \
        wasm_f32x4_splat((f)[16]), wasm_f32x4_splat((f)[17]), wasm_f32x4_splat((f)[18])            \
  }
static inline prj_pow4_k prj_pow4_k_fixed(void) {
  static const float f[] = PRJ_POW4_F;
  static const int32_t i[] = PRJ_POW4_I;
  prj_pow4_k k = PRJ_POW4_K_FROM(f, i);
  return k;
}
static inline prj_pow4_k prj_pow4_k_live(void) {
  static const volatile float f[] = PRJ_POW4_F;
  static const volatile int32_t i[] = PRJ_POW4_I;
  prj_pow4_k k = PRJ_POW4_K_FROM(f, i);
  return k;
}

/* x^b in four lanes, the same steps as prj_powf */
static inline v128_t prj_pow4v(v128_t x, float b, const prj_pow4_k *k) {
  v128_t bits = wasm_f32x4_pmax(x, k->tiny);
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), k->bias);
  v128_t m = wasm_v128_or(wasm_v128_and(bits, k->mant), k->one);
  v128_t t = wasm_f32x4_sub(m, k->one);
  v128_t p = wasm_f32x4_add(k->l4, wasm_f32x4_mul(t, k->l5));
  p = wasm_f32x4_add(k->l3, wasm_f32x4_mul(t, p));
  p = wasm_f32x4_add(k->l2, wasm_f32x4_mul(t, p));
  p = wasm_f32x4_add(k->l1, wasm_f32x4_mul(t, p));
  p = wasm_f32x4_add(k->l0, wasm_f32x4_mul(t, p));
  v128_t y = wasm_f32x4_mul(wasm_f32x4_splat(b), wasm_f32x4_add(wasm_f32x4_convert_i32x4(e), p));
  y = wasm_f32x4_pmax(y, k->lo);
  y = wasm_f32x4_pmin(y, k->hi);
  v128_t fi = wasm_f32x4_floor(wasm_f32x4_add(y, k->half));
  v128_t f = wasm_f32x4_sub(y, fi);
  v128_t q = wasm_f32x4_add(k->e3, wasm_f32x4_mul(f, k->e4));
  q = wasm_f32x4_add(k->e2, wasm_f32x4_mul(f, q));
  q = wasm_f32x4_add(k->e1, wasm_f32x4_mul(f, q));
  q = wasm_f32x4_add(k->e0, wasm_f32x4_mul(f, q));
  /* 2^fi from the bits of fi + 1.5 * 2^23 (exact: fi is a whole number of magnitude <= 126,
   * its low bits are fi; the shift drops the rest), cheaper than a float-to-int conversion */
  v128_t fib = wasm_f32x4_add(fi, k->magic);
  v128_t sc = wasm_i32x4_shl(wasm_i32x4_add(fib, k->bias), 23);
  return wasm_f32x4_mul(q, sc);
}

/* UMAP's repulsive gradient coefficient for four squared distances at once:
 * out = d2 > 0 ? c / ((0.001 + d2) (a d2^b + 1)) : 0, bit-identical on both builds. */
static inline v128_t prj_umap_rep4v(v128_t x, float a, float b, float c, const prj_pow4_k *k) {
  v128_t pos = wasm_f32x4_gt(x, k->zero);
  v128_t pw = prj_pow4v(x, b, k);
  v128_t den = wasm_f32x4_mul(wasm_f32x4_add(k->eps, x),
                              wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(a), pw), k->one));
  v128_t g = wasm_f32x4_div(wasm_f32x4_splat(c), den);
  return wasm_v128_and(g, pos);
}
static inline void prj_umap_rep4(const float d2[4], float a, float b, float c, float out[4]) {
  prj_pow4_k k = prj_pow4_k_fixed();
  wasm_v128_store(out, prj_umap_rep4v(wasm_v128_load(d2), a, b, c, &k));
}
/* UMAP's attractive gradient coefficient for four squared distances at once:
 * out = d2 > 0 ? (-c (d2^b / d2)) / (a d2^b + 1) : 0 (c = 2ab), bit-identical on both builds. */
static inline v128_t prj_umap_att4v(v128_t x, float a, float b, float c, const prj_pow4_k *k) {
  v128_t pos = wasm_f32x4_gt(x, k->zero);
  v128_t pw = prj_pow4v(x, b, k);
  v128_t g = wasm_f32x4_div(wasm_f32x4_mul(wasm_f32x4_splat(-c), wasm_f32x4_div(pw, x)),
                            wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(a), pw), k->one));
  return wasm_v128_and(g, pos);
}
static inline void prj_umap_att4(const float d2[4], float a, float b, float c, float out[4]) {
  prj_pow4_k k = prj_pow4_k_fixed();
  wasm_v128_store(out, prj_umap_att4v(wasm_v128_load(d2), a, b, c, &k));
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
