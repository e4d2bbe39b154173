/* t-SNE: P is a symmetric distribution, 10 Gaussian clusters in 64-D separated (1-NN label
 * accuracy, trustworthiness), 3-D octree, determinism; the FFT-interpolated repulsion
 * (tsne_fft.h) against the exact O(n^2) sums, FFT layouts as good as Barnes-Hut's,
 * deterministic, stepwise == one go, degenerate inputs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "project/knn.h"
#include "project/quality.h"
#include "project/tsne.h"
#include "project/tsne_fft.h"
#include "project_data.h"
#include "sonomap.h"

static int all_finite(const float *y, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(y[i]))
      return 0;
  return 1;
}

/* exact sum_j q_ij^2 (y_i - y_j) and Z against the FFT: the force error's norm relative to
 * the forces' norm (over all points), and Z's relative error */
static void fft_vs_exact(const float *Y, int n, double *force_err, double *z_err, int *nb) {
  float *neg = malloc(sizeof(float) * 2 * n);
  prj_tsne_fft *f = prj_tsne_fft_new();
  double z = -1, ze = 0, fsum = 0, esum = 0;
  if (!neg || !f || prj_tsne_fft_repulsion(f, Y, n, neg, &z)) {
    *force_err = *z_err = INFINITY;
    free(neg), prj_tsne_fft_free(f);
    return;
  }
  for (int i = 0; i < n; i++) {
    double fx = 0, fy = 0;
    for (int j = 0; j < n; j++) {
      if (j == i)
        continue;
      double dx = Y[2 * i] - Y[2 * j], dy = Y[2 * i + 1] - Y[2 * j + 1];
      double q = 1.0 / (1.0 + dx * dx + dy * dy);
      ze += q, fx += q * q * dx, fy += q * q * dy;
    }
    double ex = fx - neg[2 * i], ey = fy - neg[2 * i + 1];
    fsum += fx * fx + fy * fy, esum += ex * ex + ey * ey;
  }
  *force_err = sqrt(esum / fsum), *z_err = fabs(z - ze) / ze, *nb = prj_tsne_fft_intervals(f);
  free(neg), prj_tsne_fft_free(f);
}

/* t-SNE of X (n x d) from an exact kNN graph with the given repulsion; NULL on failure */
static prj_tsne *tsne_of(const float *X, int n, int d, int method, int iters, uint64_t seed) {
  int k = 3 * 10 < n - 1 ? 3 * 10 : n - 1;
  int *idx = malloc(sizeof(int) * n * k);
  float *d2 = malloc(sizeof(float) * n * k), *init = malloc(sizeof(float) * 2 * n);
  prj_tsne *t = NULL;
  char err[200];
  if (idx && d2 && init && prj_knn_exact(X, n, d, k, idx, d2) == 0) {
    prj_rng r;
    prj_rng_seed(&r, seed, 3);
    for (int i = 0; i < 2 * n; i++)
      init[i] = (float)(1e-4 * prj_rng_normal(&r));
    t = prj_tsne_new(idx, d2, n, k, 10, init, 2, iters, 0.5, err, sizeof err);
    if (t)
      prj_tsne_set_repulsion(t, method);
  }
  free(idx), free(d2), free(init);
  return t;
}

/* P of a small graph: symmetric, sums to 1 */
static void test_p_of_small_graph(void) {
  char err[200];
  const int knn_i[5 * 2] = {1, 2, 0, 2, 1, 3, 2, 4, 3, 2};
  const float knn_d[5 * 2] = {1, 4, 1, 1, 1, 1, 1, 1, 1, 4};
  const float init[10] = {0, 0, 1e-4f, 0, 2e-4f, 0, 3e-4f, 0, 4e-4f, 0};
  prj_tsne *t = prj_tsne_new(knn_i, knn_d, 5, 2, 30, init, 2, 20, 0.5, err, sizeof err);
  CHECK(t != NULL, "t-SNE on 5 points: %s", err);
  if (t) {
    const long *rp;
    const int *col;
    const float *val;
    prj_tsne_p(t, &rp, &col, &val);
    double sum = 0;
    int sym = 1;
    for (int i = 0; i < 5; i++)
      for (long e = rp[i]; e < rp[i + 1]; e++) {
        sum += val[e];
        int j = col[e], found = 0;
        for (long f = rp[j]; f < rp[j + 1]; f++)
          found |= col[f] == i && val[f] == val[e];
        sym &= found;
      }
    CHECK_NEAR(sum, 1.0, 1e-6, "P sums to 1");
    CHECK(sym, "P is symmetric");
    CHECK(prj_tsne_step(t, 5) == 15 && prj_tsne_step(t, 50) == 0, "iterations count down");
    CHECK(all_finite(prj_tsne_embedding(t), 10), "finite");
    prj_tsne_free(t);
  }
}

static void test_clusters_2d(const float *X, const int *lab, int n, int d) {
  char err[200];
  sm_map *m = sm_map_new(X, n, d, SM_PROJ_TSNE, 2, 3, err, sizeof err);
  CHECK(m != NULL, "t-SNE map: %s", err);
  if (!m)
    return;
  CHECK(sm_map_total_steps(m) == 1000, "1000 iterations");
  int left = sm_map_step(m, 100);
  CHECK(left == 900 && all_finite(sm_map_layout(m), 2 * n), "valid between steps");
  while (left > 0)
    left = sm_map_step(m, 250);
  double tr, co, acc = sm_map_label_accuracy(m, lab, 0);
  CHECK(sm_map_quality(m, 10, 0, &tr, &co) == 0, "quality");
  printf("t-SNE n=%d d=%d: 1-NN accuracy %.4f, trustworthiness %.4f, continuity %.4f (k=10)\n", n,
         d, acc, tr, co);
  CHECK(acc >= 0.95, "t-SNE separates the clusters: 1-NN accuracy %.4f", acc);
  CHECK(tr >= 0.9, "t-SNE trustworthiness %.4f", tr);
  sm_map_free(m);
}

/* 3-D octree, determinism */
static void test_octree_3d(const float *X, const int *lab, int d) {
  char err[200];
  sm_map_options o;
  sm_map_options_init(&o);
  o.projection = SM_PROJ_TSNE, o.dims = 3, o.iterations = 300, o.perplexity = 10, o.seed = 5;
  const int n2 = 200;
  sm_map *a = sm_map_new_with(X, n2, d, &o, err, sizeof err);
  sm_map *b = sm_map_new_with(X, n2, d, &o, err, sizeof err);
  o.seed = 6;
  sm_map *c = sm_map_new_with(X, n2, d, &o, err, sizeof err);
  CHECK(a && b && c, "3-D maps: %s", err);
  if (a && b && c) {
    sm_map_step(a, 10), sm_map_step(b, 10), sm_map_step(c, 10);
    CHECK(memcmp(sm_map_layout(a), sm_map_layout(c), sizeof(float) * 3 * n2) != 0,
          "another seed: another layout");
    while (sm_map_step(a, 300) > 0) {
    }
    while (sm_map_step(b, 11) > 0) {
    }
    CHECK(all_finite(sm_map_layout(a), 3 * n2), "3-D layout finite");
    CHECK(memcmp(sm_map_layout(a), sm_map_layout(b), sizeof(float) * 3 * n2) == 0,
          "same seed: bit-identical");
    double acc3 = sm_map_label_accuracy(a, lab, 0);
    CHECK(acc3 >= 0.95, "3-D t-SNE accuracy %.4f", acc3);
  }
  sm_map_free(a), sm_map_free(b), sm_map_free(c);
}

/* FFT repulsion against the exact sums: blobs of deviation 1 around centres over +-10
 * (the smallest grid), then spread over ~90 units (a larger grid), then one point */
static void test_fft_repulsion(void) {
  const int np = 400;
  float *Y = malloc(sizeof(float) * 2 * np);
  prj_rng r;
  prj_rng_seed(&r, 11, 1);
  for (int s = 0; s < 2; s++) {
    double spread = s == 0 ? 10.0 : 45.0;
    for (int i = 0; i < np; i++)
      for (int c = 0; c < 2; c++)
        Y[2 * i + c] =
            (float)(spread * (((i % 7) * (c ? 3 : 5) % 7) / 3.0 - 1.0) + prj_rng_normal(&r));
    double fe, ze;
    int nb = 0;
    fft_vs_exact(Y, np, &fe, &ze, &nb);
    printf("FFT repulsion, %d points over +-%.0f: %d intervals, force error %.2e, "
           "Z error %.2e\n",
           np, spread, nb, fe, ze);
    CHECK(fe < (s == 0 ? 1e-2 : 5e-2), "FFT force error %.3g (spread %.0f)", fe, spread);
    CHECK(ze < (s == 0 ? 1e-3 : 1e-2), "FFT Z error %.3g (spread %.0f)", ze, spread);
    CHECK(nb >= 50 && (s == 0 || nb >= 90), "intervals %d", nb);
  }
  for (int i = 0; i < 2 * np; i++) /* all in one place: Z = n (n - 1), no force */
    Y[i] = 3.5f;
  float *neg = malloc(sizeof(float) * 2 * np);
  prj_tsne_fft *f = prj_tsne_fft_new();
  double z = 0;
  CHECK(f && neg && prj_tsne_fft_repulsion(f, Y, np, neg, &z) == 0, "FFT on identical points");
  if (f && neg) {
    CHECK_NEAR(z / ((double)np * (np - 1)), 1.0, 1e-4, "Z of identical points");
    double fm = 0;
    for (int i = 0; i < 2 * np; i++)
      fm = fabs(neg[i]) > fm ? fabs(neg[i]) : fm;
    CHECK(fm < 1e-3, "no force between identical points: %g", fm);
  }
  prj_tsne_fft_free(f), free(neg), free(Y);
}

/* FFT t-SNE on a few clusters: deterministic, stepwise == one go, finite. (Layout quality
 * against Barnes-Hut is measured at 10k-50k points by the benchmark drivers: a full run is
 * too slow under the sanitizers.) */
static void test_fft_tsne(const float *X) {
  const int nf = 60, df = 64, it = 10; /* short: the sanitized FFT is slow */
  prj_tsne *ff = tsne_of(X, nf, df, PRJ_TSNE_FFT, it, 9);
  prj_tsne *f2 = tsne_of(X, nf, df, PRJ_TSNE_FFT, it, 9);
  prj_tsne *bh = tsne_of(X, nf, df, PRJ_TSNE_BH, it, 9);
  CHECK(ff && f2 && bh, "t-SNE for the FFT checks");
  if (ff && f2 && bh) {
    CHECK(prj_tsne_uses_fft(ff) && !prj_tsne_uses_fft(bh), "methods as set");
    prj_tsne_step(ff, it);
    prj_tsne_step(bh, it);
    for (int left = it; left > 0;)
      left = prj_tsne_step(f2, 7);
    const float *yf = prj_tsne_embedding(ff);
    CHECK(all_finite(yf, 2 * nf), "FFT layout finite");
    CHECK(memcmp(yf, prj_tsne_embedding(f2), sizeof(float) * 2 * nf) == 0,
          "FFT: stepwise == one go, bit for bit");
    CHECK(memcmp(yf, prj_tsne_embedding(bh), sizeof(float) * 2 * nf) != 0,
          "FFT and Barnes-Hut differ");
  }
  prj_tsne_free(bh), prj_tsne_free(ff), prj_tsne_free(f2);
}

/* degenerate inputs with the FFT: identical points, 2 and 3 points; switching methods */
static void test_fft_degenerate(void) {
  char err[200];
  const int nd = 60, kd = 5;
  int *idx = malloc(sizeof(int) * nd * kd);
  float *dd = calloc((size_t)nd * kd, sizeof(float)), *init = calloc(2 * nd, sizeof(float));
  for (int i = 0; i < nd; i++)
    for (int j = 0; j < kd; j++)
      idx[i * kd + j] = (i + 1 + j) % nd;
  prj_tsne *t = prj_tsne_new(idx, dd, nd, kd, 30, init, 2, 12, 0.5, err, sizeof err);
  CHECK(t != NULL, "t-SNE of identical points: %s", err);
  if (t) {
    prj_tsne_set_repulsion(t, PRJ_TSNE_FFT);
    CHECK(prj_tsne_step(t, 4) == 8, "identical points: steps");
    prj_tsne_set_repulsion(t, PRJ_TSNE_BH);
    CHECK(prj_tsne_step(t, 8) == 0, "identical points: steps after switching");
    CHECK(all_finite(prj_tsne_embedding(t), 2 * nd), "identical points: finite");
    prj_tsne_free(t);
  }
  for (int np = 2; np <= 3; np++) {
    const int ki[3 * 2] = {1, 2, 0, 2, 0, 1};
    const int k2[2] = {1, 0};
    const float kd2[6] = {1, 2, 1, 2, 1, 2};
    const float in[6] = {0, 0, 1e-4f, 0, 0, 1e-4f};
    t = prj_tsne_new(np == 2 ? k2 : ki, kd2, np, np - 1, 30, in, 2, 4, 0.5, err, sizeof err);
    CHECK(t != NULL, "t-SNE of %d points: %s", np, err);
    if (t) {
      prj_tsne_set_repulsion(t, PRJ_TSNE_FFT);
      CHECK(prj_tsne_step(t, 4) == 0, "%d points: done", np);
      CHECK(all_finite(prj_tsne_embedding(t), 2 * np), "%d points: finite", np);
      prj_tsne_free(t);
    }
  }
  free(idx), free(dd), free(init);
}

int main(void) {
  test_p_of_small_graph();
  /* 10 clusters in 64-D */
  const int n = 500, d = 64;
  int *lab = malloc(sizeof(int) * n);
  float *X = make_clusters(n, d, 10, 1.0, 1, lab);
  test_clusters_2d(X, lab, n, d);
  test_octree_3d(X, lab, d);
  test_fft_repulsion();
  test_fft_tsne(X);
  test_fft_degenerate();
  free(X), free(lab);
  return check_report("test_project_tsne");
}
