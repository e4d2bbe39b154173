/* vec.c — distance kernels; see vec.h for the summation order every build follows. */
#include "project/vec.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>

static inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

float prj_l2sq(const float *a, const float *b, int d) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= d; i += 4) {
    v128_t t = wasm_f32x4_sub(wasm_v128_load(a + i), wasm_v128_load(b + i));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(t, t));
  }
  float tail = 0.0f;
  for (; i < d; i++) {
    float t = a[i] - b[i];
    tail += t * t;
  }
  return hsum(acc) + tail;
}

float prj_dot(const float *a, const float *b, int d) {
  v128_t acc = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= d; i += 4)
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load(a + i), wasm_v128_load(b + i)));
  float tail = 0.0f;
  for (; i < d; i++)
    tail += a[i] * b[i];
  return hsum(acc) + tail;
}

void prj_l2sq_x4(const float *q0, const float *q1, const float *q2, const float *q3, const float *r,
                 int d, float out[4]) {
  v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
  int i = 0;
  for (; i + 4 <= d; i += 4) {
    v128_t rv = wasm_v128_load(r + i);
    v128_t t0 = wasm_f32x4_sub(wasm_v128_load(q0 + i), rv);
    v128_t t1 = wasm_f32x4_sub(wasm_v128_load(q1 + i), rv);
    v128_t t2 = wasm_f32x4_sub(wasm_v128_load(q2 + i), rv);
    v128_t t3 = wasm_f32x4_sub(wasm_v128_load(q3 + i), rv);
    a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(t0, t0));
    a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(t1, t1));
    a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(t2, t2));
    a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(t3, t3));
  }
  float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
  for (; i < d; i++) {
    float t0 = q0[i] - r[i], t1 = q1[i] - r[i], t2 = q2[i] - r[i], t3 = q3[i] - r[i];
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
  }
  out[0] = hsum(a0) + s0;
  out[1] = hsum(a1) + s1;
  out[2] = hsum(a2) + s2;
  out[3] = hsum(a3) + s3;
}

void prj_dot_4xt(const float *q, int d, const float *rt, int ld, int m, float *out) {
  const float *q0 = q, *q1 = q + d, *q2 = q + 2 * d, *q3 = q + 3 * d;
  for (int r = 0; r < m; r += 8) {
    v128_t a0 = wasm_f32x4_splat(0.0f), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0,
           b3 = a0;
    const float *c = rt + r;
    for (int t = 0; t < d; t++, c += ld) {
      v128_t lo = wasm_v128_load(c), hi = wasm_v128_load(c + 4);
      v128_t s0 = wasm_f32x4_splat(q0[t]), s1 = wasm_f32x4_splat(q1[t]);
      v128_t s2 = wasm_f32x4_splat(q2[t]), s3 = wasm_f32x4_splat(q3[t]);
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(s0, lo)),
      b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(s0, hi));
      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(s1, lo)),
      b1 = wasm_f32x4_add(b1, wasm_f32x4_mul(s1, hi));
      a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(s2, lo)),
      b2 = wasm_f32x4_add(b2, wasm_f32x4_mul(s2, hi));
      a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(s3, lo)),
      b3 = wasm_f32x4_add(b3, wasm_f32x4_mul(s3, hi));
    }
    wasm_v128_store(out + r, a0), wasm_v128_store(out + r + 4, b0);
    wasm_v128_store(out + m + r, a1), wasm_v128_store(out + m + r + 4, b1);
    wasm_v128_store(out + 2 * m + r, a2), wasm_v128_store(out + 2 * m + r + 4, b2);
    wasm_v128_store(out + 3 * m + r, a3), wasm_v128_store(out + 3 * m + r + 4, b3);
  }
}

void prj_axpy(float *y, float a, const float *x, int d) {
  v128_t av = wasm_f32x4_splat(a);
  int i = 0;
  for (; i + 4 <= d; i += 4)
    wasm_v128_store(
        y + i, wasm_f32x4_add(wasm_v128_load(y + i), wasm_f32x4_mul(av, wasm_v128_load(x + i))));
  for (; i < d; i++)
    y[i] += a * x[i];
}

#else /* portable: four explicit lanes, which compilers vectorise (SSE/NEON) as they are */

float prj_l2sq(const float *a, const float *b, int d) {
  float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  int i = 0;
  for (; i + 4 <= d; i += 4)
    for (int l = 0; l < 4; l++) {
      float t = a[i + l] - b[i + l];
      acc[l] += t * t;
    }
  float tail = 0.0f;
  for (; i < d; i++) {
    float t = a[i] - b[i];
    tail += t * t;
  }
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + tail;
}

float prj_dot(const float *a, const float *b, int d) {
  float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  int i = 0;
  for (; i + 4 <= d; i += 4)
    for (int l = 0; l < 4; l++)
      acc[l] += a[i + l] * b[i + l];
  float tail = 0.0f;
  for (; i < d; i++)
    tail += a[i] * b[i];
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + tail;
}

void prj_l2sq_x4(const float *q0, const float *q1, const float *q2, const float *q3, const float *r,
                 int d, float out[4]) {
  float a0[4] = {0}, a1[4] = {0}, a2[4] = {0}, a3[4] = {0};
  int i = 0;
  for (; i + 4 <= d; i += 4)
    for (int l = 0; l < 4; l++) {
      float rv = r[i + l];
      float t0 = q0[i + l] - rv, t1 = q1[i + l] - rv, t2 = q2[i + l] - rv, t3 = q3[i + l] - rv;
      a0[l] += t0 * t0;
      a1[l] += t1 * t1;
      a2[l] += t2 * t2;
      a3[l] += t3 * t3;
    }
  float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
  for (; i < d; i++) {
    float t0 = q0[i] - r[i], t1 = q1[i] - r[i], t2 = q2[i] - r[i], t3 = q3[i] - r[i];
    s0 += t0 * t0;
    s1 += t1 * t1;
    s2 += t2 * t2;
    s3 += t3 * t3;
  }
  out[0] = ((a0[0] + a0[1]) + (a0[2] + a0[3])) + s0;
  out[1] = ((a1[0] + a1[1]) + (a1[2] + a1[3])) + s1;
  out[2] = ((a2[0] + a2[1]) + (a2[2] + a2[3])) + s2;
  out[3] = ((a3[0] + a3[1]) + (a3[2] + a3[3])) + s3;
}

void prj_dot_4xt(const float *q, int d, const float *rt, int ld, int m, float *out) {
  for (int r = 0; r < m; r += 8) {
    float acc[4][8] = {{0}};
    const float *c = rt + r;
    for (int t = 0; t < d; t++, c += ld)
      for (int j = 0; j < 4; j++) {
        float s = q[j * d + t];
        for (int l = 0; l < 8; l++)
          acc[j][l] += s * c[l];
      }
    for (int j = 0; j < 4; j++)
      for (int l = 0; l < 8; l++)
        out[j * m + r + l] = acc[j][l];
  }
}

void prj_axpy(float *y, float a, const float *x, int d) {
  for (int i = 0; i < d; i++)
    y[i] += a * x[i];
}

#endif
