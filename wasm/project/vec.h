/* vec.h — distance kernels of the projection engine (wasm SIMD128 with a portable fallback).
 * Every kernel sums in the same order on every build: four lanes over blocks of four, a
 * scalar tail, then (l0 + l1) + (l2 + l3) + tail. So the SIMD128 build and the native build
 * give bit-identical distances (no FMA contraction: C11 mode, no fast-math). */
#ifndef PRJ_VEC_H
#define PRJ_VEC_H

/* squared euclidean distance |a - b|^2 */
float prj_l2sq(const float *a, const float *b, int d);
/* dot product a . b */
float prj_dot(const float *a, const float *b, int d);
/* out[j] = |q_j - r|^2 for four query rows at once (same sums as prj_l2sq). */
void prj_l2sq_x4(const float *q0, const float *q1, const float *q2, const float *q3, const float *r,
                 int d, float out[4]);
/* out[j * m + r] = q_j . R_r for four query rows q (4 x d, contiguous) and m reference rows
 * given transposed: rt[t * ld + r] (m a multiple of 8, ld >= m). Each sum runs over t in
 * order (a plain sum, not the four-lane order above), identical on every build; exact kNN
 * uses it only to rule pairs out before computing their distances with prj_l2sq. */
void prj_dot_4xt(const float *q, int d, const float *rt, int ld, int m, float *out);
/* y += a * x */
void prj_axpy(float *y, float a, const float *x, int d);

#endif
