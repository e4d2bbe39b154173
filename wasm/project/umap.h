/* umap.h — UMAP (McInnes, Healy & Melville 2018, as umap-learn computes it) on a kNN graph:
 * smooth kNN distances (binary search for sigma, rho = nearest non-zero distance), fuzzy
 * union symmetrisation, SGD with negative sampling on the epochs-per-sample schedule and a
 * linearly decaying learning rate. The layout advances epoch by epoch (prj_umap_step) and is a
 * valid embedding between steps. The initial layout is the caller's: the engine uses the top
 * principal components, not umap-learn's spectral layout (eigenvectors of the graph Laplacian).
 * PCA init keeps the global arrangement as well (Kobak & Linderman, Nat. Biotechnol. 2021) and
 * costs one pass over the preprocessed rows, whereas a spectral init needs an iterative sparse
 * eigensolver (Lanczos / LOBPCG) that converges slowly on graphs made of separate clusters
 * (disconnected components need their own layout), which is the common case for sound sets.
 *
 * The SGD follows umap-learn's schedule (epochs per sample, negative rate 5, gradient clip 4,
 * linear learning-rate decay) with four departures for speed that keep it deterministic:
 * edges are visited row-interleaved (edge r of every point, then edge r + 1); due edges are
 * taken four at a time, their attractive distances all read before any of the four moves; the
 * negative samples of one positive sample are all taken against the same position and their
 * pushes summed (the four edges' samples side by side in SIMD lanes, each lane drawing its
 * points from its own xoshiro128+ stream); and x^b is computed by fastmath.h, so native and
 * wasm builds agree bit for bit. */
#ifndef PRJ_UMAP_H
#define PRJ_UMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct prj_umap prj_umap;

/* knn_idx, knn_dist: n x k nearest other points of each point (self excluded; distances in the
 * metric, not squared), so n_neighbors = k + 1 as umap-learn counts it. init: n x dims, any
 * scale (each column is rescaled to [0, 10]). n >= 2, k >= 1, dims 1..3, n_epochs >= 1. */
prj_umap *prj_umap_new(const int *knn_idx, const float *knn_dist, int n, int k, const float *init,
                       int dims, int n_epochs, double a, double b, uint64_t seed, char *err,
                       size_t errlen);
/* Run up to `epochs` more epochs; returns the epochs still to run. */
int prj_umap_step(prj_umap *u, int epochs);
const float *prj_umap_embedding(const prj_umap *u); /* n x dims */
/* The symmetric fuzzy graph (both directions of each edge), after pruning. */
int prj_umap_graph(const prj_umap *u, const int **head, const int **tail, const float **w);
void prj_umap_free(prj_umap *u);

/* Membership strengths w (k) of one point's k neighbours at ascending distances dist
 * (umap-learn's smooth_knn_dist: rho = nearest non-zero distance, sigma by bisection so that
 * the strengths sum to log2(k + 1); mean_all: the mean distance of the whole graph, the floor
 * of sigma when rho is 0). */
void prj_umap_smooth_knn(const float *dist, int k, double mean_all, float *w);

/* Fit a, b of 1 / (1 + a x^(2b)) to the min_dist / spread target curve (least squares,
 * Levenberg-Marquardt, as umap-learn's find_ab_params). min_dist 0.1, spread 1 gives
 * a = 1.577, b = 0.895. */
void prj_umap_find_ab(double spread, double min_dist, double *a, double *b);

#endif
