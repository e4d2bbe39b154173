/* simd4.h — internal to the nn kernels: a 4 x f32 vector type and its few operations.
 * With -msimd128 these are WebAssembly SIMD128 intrinsics; natively the same kernels run on GNU C
 * vectors of 4 floats, so the native tests exercise the same blocking and edge handling.
 * (wasm has no fused multiply-add: v_madd is a multiply then an add, as in the reference.) */
#ifndef NN_SIMD4_H
#define NN_SIMD4_H

#include <string.h>

#include "nn/net.h"

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
typedef float v4 __attribute__((vector_size(16)));
static inline v4 v_ld(const float *p) {
  v4 v;
  memcpy(&v, p, sizeof v);
  return v;
}
static inline void v_st(float *p, v4 v) { memcpy(p, &v, sizeof v); }
static inline v4 v_splat(float x) {
  v4 v = {x, x, x, x};
  return v;
}
static inline v4 v_ldsplat(const float *p) { return v_splat(*p); }
static inline v4 v_madd(v4 a, v4 b, v4 c) { return c + a * b; }
static inline v4 v_add(v4 a, v4 b) { return a + b; }
static inline v4 v_mul(v4 a, v4 b) { return a * b; }
static inline v4 v_max(v4 a, v4 b) {
  v4 r;
  for (int i = 0; i < 4; i++)
    r[i] = a[i] < b[i] ? b[i] : a[i];
  return r;
}
static inline v4 v_min(v4 a, v4 b) {
  v4 r;
  for (int i = 0; i < 4; i++)
    r[i] = b[i] < a[i] ? b[i] : a[i];
  return r;
}
#endif

/* ReLU / ReLU6 / none (sigmoid is applied by the caller, in scalar code). */
static inline v4 v_act(v4 x, int act) {
  if (act == NN_ACT_RELU)
    return v_max(x, v_splat(0.0f));
  if (act == NN_ACT_RELU6)
    return v_min(v_max(x, v_splat(0.0f)), v_splat(6.0f));
  return x;
}

#endif
