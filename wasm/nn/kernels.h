/* kernels.h — fast f32 kernels for the network (NHWC).
 * Built with -msimd128 they use WebAssembly SIMD128 (wasm_simd128.h); natively the same code
 * runs on GNU C 4-float vectors, so the native tests exercise the same blocking and packing.
 *
 * GEMM: C[M x N] = act(A[M x K] * W^T + bias), W given as N x K (cout x cin). W and bias are
 * packed once, at load, into panels of 8 output channels: [8 bias][K x 8 weights] per panel.
 * The micro-kernel keeps a 4 x 8 block of C in eight f32x4 accumulators (5 or 6 rows when that is
 * all of M); rows are taken in chunks of about 128 KiB of A so that each packed panel is reused
 * from L1 over a chunk, unless all the packed weights fit in L1 (then tile by tile, every panel).
 */
#ifndef NN_KERNELS_H
#define NN_KERNELS_H

#include <stddef.h>

#define NN_K_NR 8

/* Floats of a packed N x K weight matrix. */
size_t nn_k_packed_size(int N, int K);
/* Pack w (N x K, row-major) and bias (N, may be NULL) into panels. */
void nn_k_pack(const float *w, const float *bias, int N, int K, float *packed);
/* C = act(A * W^T + bias); A: M x K rows (stride K), C: M x N (stride N). */
void nn_k_gemm(const float *A, int M, int K, const float *packed, int N, int act, float *C);
/* 3x3 'same' conv through im2col + GEMM. col: scratch of nn_k_conv3_col(h, w, cin, stride). */
size_t nn_k_conv3_col(int h, int w, int cin, int stride);
void nn_k_conv3(const float *in, int n, int h, int w, int cin, const float *packed, int cout,
                int stride, int act, float *col, float *out);
/* 3x3 'same' depthwise; wt: 3 x 3 x c, bias: c (may be NULL). */
void nn_k_dw3(const float *in, int n, int h, int w, int c, const float *wt, const float *bias,
              int stride, int act, float *out);
/* Global average pool: n x hw x c -> n x c. */
void nn_k_gap(const float *in, int n, int hw, int c, float *out);

#endif
