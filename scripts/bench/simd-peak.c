/* simd-peak.c — the wasm SIMD128 arithmetic peak of one core, for scripts/bench-nn.mjs:
 * 12 independent chains of f32x4 multiply then add (8 flops per chain per iteration; wasm has
 * no fused multiply-add), so latency is hidden and only issue throughput counts. */
#include <wasm_simd128.h>

#define STEP(a) a = wasm_f32x4_add(wasm_f32x4_mul(a, m), c)

__attribute__((used, visibility("default"))) float peak(int iters) {
  v128_t m = wasm_f32x4_splat(0.9999999f), c = wasm_f32x4_splat(1e-7f);
  v128_t a0 = wasm_f32x4_splat(1.0f), a1 = wasm_f32x4_splat(1.1f), a2 = wasm_f32x4_splat(1.2f);
  v128_t a3 = wasm_f32x4_splat(1.3f), a4 = wasm_f32x4_splat(1.4f), a5 = wasm_f32x4_splat(1.5f);
  v128_t a6 = wasm_f32x4_splat(1.6f), a7 = wasm_f32x4_splat(1.7f), a8 = wasm_f32x4_splat(1.8f);
  v128_t a9 = wasm_f32x4_splat(1.9f), a10 = wasm_f32x4_splat(2.0f), a11 = wasm_f32x4_splat(2.1f);
  for (int i = 0; i < iters; i++) {
    STEP(a0); STEP(a1); STEP(a2); STEP(a3); STEP(a4); STEP(a5);
    STEP(a6); STEP(a7); STEP(a8); STEP(a9); STEP(a10); STEP(a11);
  }
  v128_t s = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3)),
                            wasm_f32x4_add(wasm_f32x4_add(a4, a5), wasm_f32x4_add(a6, a7)));
  s = wasm_f32x4_add(s, wasm_f32x4_add(wasm_f32x4_add(a8, a9), wasm_f32x4_add(a10, a11)));
  return wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1) +
         wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3);
}
