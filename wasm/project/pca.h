/* pca.h — principal component analysis for the projection engine.
 * Exact (covariance + Jacobi) when d is small, randomised subspace iteration (Halko et al.,
 * seeded Gaussian test matrix, power iterations) otherwise. The data are centred inside. */
#ifndef PRJ_PCA_H
#define PRJ_PCA_H

#include <stddef.h>
#include <stdint.h>

typedef struct prj_pca {
  int d, k;         /* input dimension, components kept */
  float *mean;      /* d */
  float *axes;      /* k x d, row c = unit principal axis c (largest variance first) */
  double *var;      /* k, variance along each axis (divided by n - 1) */
  double total_var; /* sum of the column variances of the input */
} prj_pca;

/* Rows seen through a view: row r is X[rows[r]] (rows NULL: X[r]), then, when shift/scale are
 * given, x_j * scale_j - shift_j per column (scaled first, so huge finite inputs stay finite). Lets
 * the engine fit and transform standardised rows, skipping excluded ones, without a standardised
 * copy of the whole input. */
typedef struct prj_view {
  const float *X;
  int d;
  const int *rows;    /* NULL: all rows in order */
  const float *shift; /* d or NULL */
  const float *scale; /* d or NULL */
} prj_view;

/* The fit on n rows of a view (see prj_pca_fit). */
int prj_pca_fit_view(const prj_view *v, int n, int k, uint64_t seed, prj_pca *out, char *err,
                     size_t errlen);
/* Y (n x p.k) for n rows of a view. */
int prj_pca_transform_view(const prj_pca *p, const prj_view *v, int n, float *Y);

/* Fit the top k (1 <= k <= d) axes of X (n x d, n >= 1). Signs are fixed so that the largest
 * |component| of each axis is positive. Returns 0, or -1 with a reason in err. */
int prj_pca_fit(const float *X, int n, int d, int k, uint64_t seed, prj_pca *out, char *err,
                size_t errlen);
/* Y (n x p.k) = (X - mean) axes^T; 0, or -1 when out of memory. Axes with no variance (rank
 * deficiency in the randomised path) are zero vectors. */
int prj_pca_transform(const prj_pca *p, const float *X, int n, float *Y);
void prj_pca_free(prj_pca *p);

/* Symmetric eigendecomposition by cyclic Jacobi: A (n x n, row-major, destroyed) gives
 * eigenvalues w (descending) and V (n x n) whose column j is the eigenvector of w[j]. */
void prj_eigh(double *A, int n, double *w, double *V);

#endif
