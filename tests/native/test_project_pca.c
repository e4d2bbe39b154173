/* PCA: Jacobi eigensolver, exact and randomised PCA recover known variance directions,
 * determinism, rank-deficient input; the PCA projection of the map API. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "project/pca.h"
#include "project/rng.h"
#include "sonomap.h"

/* n points with variance lam[c] along orthonormal random directions U[c] (d-dim), plus
 * isotropic noise of variance noise, around a mean of 3. */
static float *make_directions(int n, int d, int m, const double *lam, double noise, double *U,
                              uint64_t seed) {
  prj_rng r;
  prj_rng_seed(&r, seed, 1);
  for (int c = 0; c < m; c++) {
    double *u = U + (size_t)c * d;
    for (int j = 0; j < d; j++)
      u[j] = prj_rng_normal(&r);
    for (int p = 0; p < c; p++) { /* Gram-Schmidt */
      double dot = 0;
      for (int j = 0; j < d; j++)
        dot += u[j] * U[(size_t)p * d + j];
      for (int j = 0; j < d; j++)
        u[j] -= dot * U[(size_t)p * d + j];
    }
    double s = 0;
    for (int j = 0; j < d; j++)
      s += u[j] * u[j];
    for (int j = 0; j < d; j++)
      u[j] /= sqrt(s);
  }
  float *X = malloc(sizeof(float) * (size_t)n * d);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < d; j++)
      X[(size_t)i * d + j] = (float)(3.0 + sqrt(noise) * prj_rng_normal(&r));
    for (int c = 0; c < m; c++) {
      double z = sqrt(lam[c]) * prj_rng_normal(&r);
      for (int j = 0; j < d; j++)
        X[(size_t)i * d + j] += (float)(z * U[(size_t)c * d + j]);
    }
  }
  return X;
}

static double axis_dot(const float *a, const double *u, int d) {
  double s = 0;
  for (int j = 0; j < d; j++)
    s += a[j] * u[j];
  return fabs(s);
}

static void check_recovery(int n, int d, int k, const char *what) {
  const double lam[5] = {50, 30, 20, 10, 5};
  double *U = malloc(sizeof(double) * 5 * d);
  float *X = make_directions(n, d, 5, lam, 0.1, U, 7 + d);
  char err[128];
  prj_pca p, q;
  CHECK(prj_pca_fit(X, n, d, k, 1, &p, err, sizeof err) == 0, "%s: %s", what, err);
  for (int c = 0; c < 5; c++) {
    double al = axis_dot(p.axes + (size_t)c * d, U + (size_t)c * d, d);
    CHECK(al > 0.99, "%s: axis %d aligned %.4f", what, c, al);
    double expect = lam[c] + 0.1;
    CHECK(fabs(p.var[c] - expect) < 0.1 * expect, "%s: variance %d %.3f vs %.3f", what, c, p.var[c],
          expect);
  }
  for (int a = 0; a < k; a++)
    for (int b = 0; b <= a; b++) {
      double s = 0;
      for (int j = 0; j < d; j++)
        s += (double)p.axes[(size_t)a * d + j] * p.axes[(size_t)b * d + j];
      CHECK(fabs(s - (a == b)) < 1e-3, "%s: axes %d.%d = %.5f", what, a, b, s);
    }
  CHECK(p.var[5] < 0.2, "%s: noise variance %.3f", what, p.var[5]);
  double tv = 0;
  for (int c = 0; c < 5; c++)
    tv += lam[c];
  CHECK(fabs(p.total_var - (tv + 0.1 * d)) < 0.1 * (tv + 0.1 * d), "%s: total variance %.2f", what,
        p.total_var);
  /* projections have the fitted variances */
  float *Y = malloc(sizeof(float) * (size_t)n * k);
  CHECK(prj_pca_transform(&p, X, n, Y) == 0, "transform");
  double s0 = 0;
  for (int i = 0; i < n; i++)
    s0 += (double)Y[(size_t)i * k] * Y[(size_t)i * k];
  CHECK_NEAR(s0 / (n - 1), p.var[0], 0.01 * p.var[0], "variance of the first projection");
  /* same seed: bit-identical */
  CHECK(prj_pca_fit(X, n, d, k, 1, &q, err, sizeof err) == 0, "refit");
  CHECK(memcmp(p.axes, q.axes, sizeof(float) * k * d) == 0, "%s: deterministic", what);
  prj_pca_free(&p);
  prj_pca_free(&q);
  free(X), free(U), free(Y);
}

int main(void) {
  /* Jacobi on a known symmetric matrix */
  double A[9] = {4, 1, 0, 1, 3, 1, 0, 1, 2}, A0[9], w[3], V[9];
  memcpy(A0, A, sizeof A);
  prj_eigh(A, 3, w, V);
  CHECK(w[0] >= w[1] && w[1] >= w[2], "descending");
  CHECK_NEAR(w[0] + w[1] + w[2], 9.0, 1e-12, "trace");
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 3; i++) {
      double av = 0;
      for (int j = 0; j < 3; j++)
        av += A0[i * 3 + j] * V[j * 3 + c];
      CHECK_NEAR(av, w[c] * V[i * 3 + c], 1e-10, "A v = w v");
    }
  CHECK_NEAR(w[1], 3.0, 1e-12, "middle eigenvalue of [[4,1,0],[1,3,1],[0,1,2]] is 3");

  check_recovery(3000, 12, 8, "exact path (d=12)");
  check_recovery(1500, 200, 10, "randomised path (d=200)");

  /* rank-deficient and tiny inputs never fail */
  char err[128];
  prj_pca p;
  float one[100];
  for (int j = 0; j < 100; j++)
    one[j] = (float)j;
  CHECK(prj_pca_fit(one, 1, 100, 50, 3, &p, err, sizeof err) == 0, "n = 1: %s", err);
  CHECK(p.var[0] == 0.0, "n = 1 has no variance");
  prj_pca_free(&p);
  float three[300];
  for (int i = 0; i < 300; i++)
    three[i] = (float)((i * 7) % 11);
  CHECK(prj_pca_fit(three, 3, 100, 50, 3, &p, err, sizeof err) == 0, "n = 3, d = 100: %s", err);
  CHECK(p.var[0] > 0 && p.var[2] < 1e-6 * p.var[0], "3 points span 2 dimensions (%g %g)", p.var[0],
        p.var[2]);
  prj_pca_free(&p);
  CHECK(prj_pca_fit(three, 3, 100, 101, 3, &p, err, sizeof err) == -1 && err[0], "k > d refused");

  /* the PCA projection of the map: uncorrelated columns, first with unit deviation */
  const double lam[3] = {9, 4, 1};
  double U[3 * 6];
  float *X = make_directions(800, 6, 3, lam, 0.01, U, 5);
  sm_map *m = sm_map_new(X, 800, 6, SM_PROJ_PCA, 2, 1, err, sizeof err);
  CHECK(m != NULL, "PCA map: %s", err);
  if (m) {
    CHECK(sm_map_total_steps(m) == 1 && sm_map_step(m, 1) == 0, "PCA is one step");
    const float *Y = sm_map_layout(m);
    double s00 = 0, s01 = 0, s11 = 0;
    for (int i = 0; i < 800; i++) {
      s00 += (double)Y[2 * i] * Y[2 * i];
      s01 += (double)Y[2 * i] * Y[2 * i + 1];
      s11 += (double)Y[2 * i + 1] * Y[2 * i + 1];
    }
    CHECK_NEAR(s00 / 799, 1.0, 1e-3, "first axis has unit deviation");
    CHECK(fabs(s01) < 1e-3 * s00, "columns uncorrelated (%g)", s01);
    CHECK(s11 < s00, "second axis has less variance");
    sm_map_free(m);
  }
  free(X);
  return check_report("test_project_pca");
}
