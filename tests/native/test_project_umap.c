/* UMAP through the map API: a, b of the curve fit, the fuzzy graph, 10 Gaussian clusters in
 * 64-D separated (1-NN label accuracy, trustworthiness), determinism, progressive steps. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "project/fastmath.h"
#include "project/umap.h"
#include "project_data.h"
#include "sonomap.h"

static int all_finite(const float *y, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(y[i]))
      return 0;
  return 1;
}

/* the power used by the SGD (fastmath.h) against libm, and its four-lane form */
static void test_power_and_coefficients(void) {
  double worst = 0;
  for (double x = 1e-6; x < 1e4; x *= 1.01)
    for (int k = 0; k < 3; k++) {
      float e = k == 0 ? 0.8950f : (k == 1 ? 0.5f : 1.7f);
      double r = pow((float)x, e), rel = fabs(prj_powf((float)x, e) - r) / r;
      worst = rel > worst ? rel : worst;
    }
  CHECK(worst < 3e-5, "prj_powf within 3e-5 of pow (worst %g)", worst);
  const float d2s[4] = {0.0f, 1e-3f, 2.5f, 400.0f};
  float g4[4];
  prj_umap_rep4(d2s, 1.577f, 0.895f, 2.0f, g4);
  int rep_ok = g4[0] == 0.0f;
  for (int l = 1; l < 4; l++)
    rep_ok &=
        fabs(g4[l] - 2.0 / ((0.001 + d2s[l]) * (1.577 * pow(d2s[l], 0.895) + 1.0))) <= 1e-5 * g4[l];
  CHECK(rep_ok, "repulsion coefficients of four distances at once");
  prj_umap_att4(d2s, 1.577f, 0.895f, 2.0f * 1.577f * 0.895f, g4);
  int att_ok = g4[0] == 0.0f;
  for (int l = 1; l < 4; l++) {
    double want =
        -2.0 * 1.577 * 0.895 * pow(d2s[l], 0.895 - 1.0) / (1.577 * pow(d2s[l], 0.895) + 1.0);
    att_ok &= g4[l] < 0.0f && fabs(g4[l] - want) <= 1e-5 * fabs(want);
  }
  CHECK(att_ok, "attraction coefficients of four distances at once");
}

static void test_find_ab(void) {
  double a, b;
  prj_umap_find_ab(1.0, 0.1, &a, &b);
  CHECK_NEAR(a, 1.577, 0.005, "a for min_dist 0.1, spread 1");
  CHECK_NEAR(b, 0.895, 0.003, "b for min_dist 0.1, spread 1");
  prj_umap_find_ab(1.0, 0.5, &a, &b);
  CHECK(a < 1.577 && b > 0.895, "a larger min_dist flattens the curve (a %.3f, b %.3f)", a, b);
}

/* the fuzzy graph of a 4-point line: symmetric, weights in (0, 1], nearest pairs 1 */
static void test_fuzzy_graph(void) {
  const int knn_i[4 * 2] = {1, 2, 0, 2, 1, 3, 2, 1};
  const float knn_d[4 * 2] = {1, 2, 1, 1, 1, 1, 1, 2};
  const float init[8] = {0, 0, 1, 0, 2, 0, 3, 0};
  char err[200];
  prj_umap *u = prj_umap_new(knn_i, knn_d, 4, 2, init, 2, 50, 1.577, 0.895, 1, err, sizeof err);
  CHECK(u != NULL, "UMAP on 4 points: %s", err);
  if (u) {
    const int *h, *t;
    const float *w;
    int ne = prj_umap_graph(u, &h, &t, &w);
    int sym = 1, range = 1;
    for (int e = 0; e < ne; e++) {
      int found = 0;
      for (int f = 0; f < ne; f++)
        found |= h[f] == t[e] && t[f] == h[e] && w[f] == w[e];
      sym &= found;
      range &= w[e] > 0 && w[e] <= 1;
      if ((h[e] == 0 && t[e] == 1) || (h[e] == 2 && t[e] == 3))
        range &= w[e] == 1.0f;
    }
    CHECK(ne == 10 && sym && range, "fuzzy union graph (%d edges)", ne);
    CHECK(prj_umap_step(u, 10) == 40 && prj_umap_step(u, 100) == 0, "epochs count down");
    CHECK(all_finite(prj_umap_embedding(u), 8), "finite");
    prj_umap_free(u);
  }
}

/* returns the 1-NN accuracy of the layout (NaN when there is no map) */
static double test_clusters(const float *X, const int *lab, int n, int d) {
  char err[200];
  sm_map_options o;
  sm_map_options_init(&o);
  o.projection = SM_PROJ_UMAP;
  o.seed = 7;
  sm_map *m = sm_map_new_with(X, n, d, &o, err, sizeof err);
  CHECK(m != NULL, "UMAP map: %s", err);
  if (!m)
    return NAN;
  CHECK(sm_map_total_steps(m) == 500, "500 epochs for small N");
  CHECK(all_finite(sm_map_layout(m), 2 * n), "initial layout is valid");
  int left = sm_map_step(m, 37), prev = 500;
  CHECK(left == 463 && all_finite(sm_map_layout(m), 2 * n), "valid between steps");
  while (left > 0) {
    prev = left;
    left = sm_map_step(m, 100);
    CHECK(left < prev && left >= 0, "progress %d -> %d", prev, left);
  }
  double tr, co, acc = sm_map_label_accuracy(m, lab, 0);
  CHECK(sm_map_quality(m, 10, 0, &tr, &co) == 0, "quality");
  printf("UMAP n=%d d=%d: 1-NN accuracy %.4f, trustworthiness %.4f, continuity %.4f (k=10)\n", n, d,
         acc, tr, co);
  CHECK(acc >= 0.95, "UMAP separates the clusters: 1-NN accuracy %.4f", acc);
  CHECK(tr >= 0.9, "UMAP trustworthiness %.4f", tr);
  sm_map_free(m);
  return acc;
}

/* the PCA map of the same data separates them less: the data are not trivial */
static void test_pca_separates_less(const float *X, const int *lab, int n, int d, double acc) {
  char err[200];
  sm_map *p = sm_map_new(X, n, d, SM_PROJ_PCA, 2, 7, err, sizeof err);
  CHECK(p != NULL, "PCA map");
  if (p) {
    double pacc = sm_map_label_accuracy(p, lab, 0);
    printf("PCA on the same data: 1-NN accuracy %.4f\n", pacc);
    CHECK(pacc < acc, "PCA %.4f < UMAP %.4f", pacc, acc);
    sm_map_free(p);
  }
}

/* determinism: same seed bit-identical (steps of any size), other seed different */
static void test_determinism(const float *X, int d) {
  char err[200];
  const int n2 = 300;
  sm_map_options o;
  sm_map_options_init(&o);
  o.projection = SM_PROJ_UMAP, o.seed = 7, o.iterations = 60;
  sm_map *m1 = sm_map_new_with(X, n2, d, &o, err, sizeof err);
  sm_map *m2 = sm_map_new_with(X, n2, d, &o, err, sizeof err);
  o.seed = 8;
  sm_map *m3 = sm_map_new_with(X, n2, d, &o, err, sizeof err);
  CHECK(m1 && m2 && m3, "maps");
  if (m1 && m2 && m3) {
    while (sm_map_step(m1, 60) > 0) {
    }
    while (sm_map_step(m2, 7) > 0) {
    }
    while (sm_map_step(m3, 60) > 0) {
    }
    CHECK(memcmp(sm_map_layout(m1), sm_map_layout(m2), sizeof(float) * 2 * n2) == 0,
          "same seed: bit-identical layout");
    CHECK(memcmp(sm_map_layout(m1), sm_map_layout(m3), sizeof(float) * 2 * n2) != 0,
          "another seed: another layout");
  }
  sm_map_free(m1), sm_map_free(m2), sm_map_free(m3);
}

/* 3-D, cosine */
static void test_3d_cosine(const float *X, const int *lab, int d) {
  char err[200];
  sm_map_options o;
  sm_map_options_init(&o);
  o.projection = SM_PROJ_UMAP, o.seed = 8;
  o.dims = 3, o.metric = SM_METRIC_COSINE, o.iterations = 0;
  sm_map *c3 = sm_map_new_with(X, 400, d, &o, err, sizeof err);
  CHECK(c3 != NULL, "3-D cosine map: %s", err);
  if (c3) {
    while (sm_map_step(c3, 100) > 0) {
    }
    CHECK(sm_map_dims(c3) == 3 && all_finite(sm_map_layout(c3), 3 * 400), "3-D layout");
    double acc3 = sm_map_label_accuracy(c3, lab, 0);
    CHECK(acc3 >= 0.95, "3-D cosine UMAP accuracy %.4f", acc3);
    sm_map_free(c3);
  }
}

/* the approximate kNN graph (NN-descent) behind the same map */
static void test_nndescent_graph(const float *X, const int *lab, int d) {
  char err[200];
  sm_map_options o;
  sm_map_options_init(&o);
  o.knn = SM_KNN_APPROX;
  sm_map *ap = sm_map_new_with(X, 400, d, &o, err, sizeof err);
  CHECK(ap != NULL, "UMAP on NN-descent: %s", err);
  if (ap) {
    while (sm_map_step(ap, 100) > 0) {
    }
    double acca = sm_map_label_accuracy(ap, lab, 0);
    CHECK(acca >= 0.95, "UMAP on NN-descent accuracy %.4f", acca);
    sm_map_free(ap);
  }
}

int main(void) {
  test_power_and_coefficients();
  test_find_ab();
  test_fuzzy_graph();
  /* 10 clusters in 64-D, N = 1000 */
  const int n = 1000, d = 64;
  int *lab = malloc(sizeof(int) * n);
  float *X = make_clusters(n, d, 10, 1.0, 1, lab);
  double acc = test_clusters(X, lab, n, d);
  if (!isnan(acc))
    test_pca_separates_less(X, lab, n, d, acc);
  test_determinism(X, d);
  test_3d_cosine(X, lab, d);
  test_nndescent_graph(X, lab, d);
  free(X), free(lab);
  return check_report("test_project_umap");
}
