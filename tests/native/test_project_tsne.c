/* Barnes-Hut t-SNE: P is a symmetric distribution, 10 Gaussian clusters in 64-D separated
 * (1-NN label accuracy, trustworthiness), 3-D octree, determinism. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "project/tsne.h"
#include "project_data.h"
#include "sonomap.h"

static int all_finite(const float *y, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(y[i]))
      return 0;
  return 1;
}

int main(void) {
  char err[200];
  /* P of a small graph: symmetric, sums to 1 */
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

  /* 10 clusters in 64-D */
  const int n = 500, d = 64;
  int *lab = malloc(sizeof(int) * n);
  float *X = make_clusters(n, d, 10, 1.0, 1, lab);
  sm_map *m = sm_map_new(X, n, d, SM_PROJ_TSNE, 2, 3, err, sizeof err);
  CHECK(m != NULL, "t-SNE map: %s", err);
  if (!m)
    return check_report("test_project_tsne");
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

  /* 3-D octree, determinism */
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
  free(X), free(lab);
  return check_report("test_project_tsne");
}
