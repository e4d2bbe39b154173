/* tsne_fft.h — the repulsive term of 2-D t-SNE by FFT-accelerated interpolation (FIt-SNE,
 * Linderman et al. 2019). The points' charges (1, x, y, x^2 + y^2) are spread onto an
 * equispaced grid (3 Lagrange nodes per interval, intervals of width <= 1 in the embedding,
 * at least 50 per side), convolved with the kernel 1 / (1 + d^2)^2 by 2-D FFT (KissFFT, with
 * twiddles computed here from +, -, *, / so native and wasm builds agree bit for bit) and
 * interpolated back to the points. From those four potentials come, for every point i,
 * sum_j q_ij^2 (y_i - y_j) and the normaliser Z = sum_{i != j} q_ij, q_ij = 1 / (1 + |y_i -
 * y_j|^2). Cost per call: O(n) plus two complex 2-D FFT convolutions of (6 m)^2 points, m intervals
 * per side; the kernel's spectrum is cached while the grid spacing stays the same. */
#ifndef PRJ_TSNE_FFT_H
#define PRJ_TSNE_FFT_H

typedef struct prj_tsne_fft prj_tsne_fft;

prj_tsne_fft *prj_tsne_fft_new(void); /* NULL when out of memory */
/* Y: n x 2. neg: n x 2 out, sum_j q_ij^2 (y_i - y_j); *sumq: Z. Returns 0, or -1 when out of
 * memory (neg and *sumq are then untouched). */
int prj_tsne_fft_repulsion(prj_tsne_fft *f, const float *Y, int n, float *neg, double *sumq);
/* intervals per side used by the last call (for tests and benchmarks) */
int prj_tsne_fft_intervals(const prj_tsne_fft *f);
void prj_tsne_fft_free(prj_tsne_fft *f);

#endif
