/* tsne.h — t-SNE with the repulsion by Barnes-Hut (van der Maaten 2014; quadtree in 2-D,
 * octree in 3-D) or, in 2-D from PRJ_TSNE_FFT_MIN_N points, by FFT-accelerated interpolation
 * on a grid (Linderman et al. 2019, tsne_fft.h).
 * P from a kNN graph of 3 x perplexity neighbours (binary search on the Gaussian precision for
 * each point), symmetrised and normalised; gradient descent with early exaggeration 12 for the
 * first 250 iterations, momentum 0.5 then 0.8, per-coordinate gains (min 0.01), learning rate
 * max(n / 12 / 4, 50) as scikit-learn's "auto". Stepwise: prj_tsne_step runs iterations. */
#ifndef PRJ_TSNE_H
#define PRJ_TSNE_H

#include <stddef.h>

typedef struct prj_tsne prj_tsne;

/* knn_idx, knn_d: n x k nearest other points of each point with their affinity distances
 * (squared euclidean, or cosine distances). perplexity is clamped to what k allows (k / 3, at
 * least 1). init: n x dims (used as given). theta: Barnes-Hut accuracy (0.5). */
prj_tsne *prj_tsne_new(const int *knn_idx, const float *knn_d, int n, int k, double perplexity,
                       const float *init, int dims, int n_iter, double theta, char *err,
                       size_t errlen);
/* Run up to `iters` more iterations; returns the iterations still to run, or -1 when out of
 * memory (the layout stays the last valid one). */
int prj_tsne_step(prj_tsne *t, int iters);
/* How the repulsion is computed: Barnes-Hut (quadtree / octree, theta) or, in 2-D, FFT-accelerated
 * interpolation (tsne_fft.h). AUTO (the default) takes the FFT in 2-D from
 * PRJ_TSNE_FFT_MIN_N points on, Barnes-Hut otherwise; 3-D is always Barnes-Hut. May be changed
 * between steps. */
enum { PRJ_TSNE_AUTO = 0, PRJ_TSNE_BH = 1, PRJ_TSNE_FFT = 2 };
#ifndef PRJ_TSNE_FFT_MIN_N
#define PRJ_TSNE_FFT_MIN_N 5000
#endif
void prj_tsne_set_repulsion(prj_tsne *t, int method);
int prj_tsne_uses_fft(const prj_tsne *t);           /* 1 when the next step uses the FFT */
const float *prj_tsne_embedding(const prj_tsne *t); /* n x dims */
/* The symmetric P matrix (CSR: row i is col[rowptr[i] .. rowptr[i+1]), values sum to 1). */
void prj_tsne_p(const prj_tsne *t, const long **rowptr, const int **col, const float **val);
void prj_tsne_free(prj_tsne *t);

#endif
