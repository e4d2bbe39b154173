/* simd-peak.c — the wasm SIMD128 arithmetic peak of one core, for scripts/bench-nn.mjs.
 * wasm has no fused multiply-add, so the unit of work is an f32x4 multiply plus an f32x4 add
 * (8 flops), as in the network's kernels. Two loops, each 12 multiplies and 12 adds per
 * iteration; the benchmark takes the faster:
 *   peak_chains:  12 independent chains a = a * m + c (each add waits for its multiply, so this
 *                 one is bound by latency on cores whose mul + add latency exceeds ~8 cycles);
 *   peak_streams: 12 accumulators s += x * m with x loaded from a small L1-resident buffer, as a
 *                 GEMM micro-kernel does (the multiplies are off the dependency chains, so only
 *                 the add latency and the issue width limit it).
 * Both are called from JavaScript with a run-time count and return a value that depends on
 * every chain, so the loops cannot be folded or removed. Built with emcc -O3 -msimd128. */
#include <wasm_simd128.h>

#define EXPORT __attribute__((used, visibility("default")))

static float buffer[64] __attribute__((aligned(16)));

EXPORT float *peak_buffer(void) { return buffer; }

static float hsum(v128_t s) {
  return wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1) +
         wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3);
}

#define STEP(a) a = wasm_f32x4_add(wasm_f32x4_mul(a, m), c)

EXPORT float peak_chains(int iters, const float *unused) {
  (void)unused;
  v128_t m = wasm_f32x4_splat(0.9999999f), c = wasm_f32x4_splat(1e-7f);
  v128_t a0 = wasm_f32x4_splat(1.0f), a1 = wasm_f32x4_splat(1.1f), a2 = wasm_f32x4_splat(1.2f);
  v128_t a3 = wasm_f32x4_splat(1.3f), a4 = wasm_f32x4_splat(1.4f), a5 = wasm_f32x4_splat(1.5f);
  v128_t a6 = wasm_f32x4_splat(1.6f), a7 = wasm_f32x4_splat(1.7f), a8 = wasm_f32x4_splat(1.8f);
  v128_t a9 = wasm_f32x4_splat(1.9f), a10 = wasm_f32x4_splat(2.0f), a11 = wasm_f32x4_splat(2.1f);
  for (int i = 0; i < iters; i++) {
    STEP(a0);
    STEP(a1);
    STEP(a2);
    STEP(a3);
    STEP(a4);
    STEP(a5);
    STEP(a6);
    STEP(a7);
    STEP(a8);
    STEP(a9);
    STEP(a10);
    STEP(a11);
  }
  v128_t s = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3)),
                            wasm_f32x4_add(wasm_f32x4_add(a4, a5), wasm_f32x4_add(a6, a7)));
  s = wasm_f32x4_add(s, wasm_f32x4_add(wasm_f32x4_add(a8, a9), wasm_f32x4_add(a10, a11)));
  return hsum(s);
}

#define ACC(s, j) s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_v128_load(p + 4 * (j)), m))

EXPORT float peak_streams(int iters, const float *buf) {
  v128_t m = wasm_f32x4_splat(0.5f);
  v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0;
  v128_t s6 = s0, s7 = s0, s8 = s0, s9 = s0, s10 = s0, s11 = s0;
  for (int i = 0; i < iters; i++) {
    const float *p = buf + ((i & 1) << 4); /* alternate between two windows of the buffer */
    ACC(s0, 0);
    ACC(s1, 1);
    ACC(s2, 2);
    ACC(s3, 3);
    ACC(s4, 4);
    ACC(s5, 5);
    ACC(s6, 6);
    ACC(s7, 7);
    ACC(s8, 8);
    ACC(s9, 9);
    ACC(s10, 10);
    ACC(s11, 11);
  }
  v128_t s = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3)),
                            wasm_f32x4_add(wasm_f32x4_add(s4, s5), wasm_f32x4_add(s6, s7)));
  s = wasm_f32x4_add(s, wasm_f32x4_add(wasm_f32x4_add(s8, s9), wasm_f32x4_add(s10, s11)));
  return hsum(s);
}
