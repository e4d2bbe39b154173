/* Quality figures: trustworthiness/continuity against a naive implementation of the formula,
 * their bounds on identity and random layouts, sampling, 1-NN label accuracy. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "project/quality.h"
#include "project/rng.h"

/* rank of j among i's neighbours (1 = nearest): 1 + how many others come before it */
static int naive_rank(const float *X, int n, int d, int i, int j) {
  double dij = 0;
  for (int t = 0; t < d; t++)
    dij += ((double)X[i * d + t] - X[j * d + t]) * ((double)X[i * d + t] - X[j * d + t]);
  int r = 1;
  for (int o = 0; o < n; o++) {
    if (o == i || o == j)
      continue;
    double s = 0;
    for (int t = 0; t < d; t++)
      s += ((double)X[i * d + t] - X[o * d + t]) * ((double)X[i * d + t] - X[o * d + t]);
    r += s < dij || (s == dij && o < j);
  }
  return r;
}

static double naive_trust(const float *X, int dx, const float *Y, int dy, int n, int k) {
  double s = 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      if (j == i)
        continue;
      if (naive_rank(Y, n, dy, i, j) <= k) {
        int rx = naive_rank(X, n, dx, i, j);
        if (rx > k)
          s += rx - k;
      }
    }
  return 1.0 - 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0)) * s;
}

int main(void) {
  const int n = 120, dx = 6, dy = 2, k = 7;
  prj_rng r;
  prj_rng_seed(&r, 3, 4);
  float X[n * dx], Y[n * dy], Z[n * dy];
  for (int i = 0; i < n * dx; i++)
    X[i] = (float)prj_rng_normal(&r);
  for (int i = 0; i < n; i++) { /* a lossy layout: the first two coordinates plus noise */
    Y[i * 2] = X[i * dx] + 0.3f * (float)prj_rng_normal(&r);
    Y[i * 2 + 1] = X[i * dx + 1] + 0.3f * (float)prj_rng_normal(&r);
    Z[i * 2] = (float)prj_rng_normal(&r), Z[i * 2 + 1] = (float)prj_rng_normal(&r);
  }
  double t, c, t2, c2;
  CHECK(prj_quality_tc(X, n, dx, Y, dy, k, 0, 1, &t, &c) == 0, "runs");
  CHECK_NEAR(t, naive_trust(X, dx, Y, dy, n, k), 1e-12, "trustworthiness = naive formula");
  CHECK_NEAR(c, naive_trust(Y, dy, X, dx, n, k), 1e-12, "continuity = trustworthiness swapped");
  CHECK(t < 0.95 && t > 0.6, "a lossy layout is imperfect (%.4f)", t);
  CHECK(prj_quality_tc(X, n, dx, X, dx, k, 0, 1, &t2, &c2) == 0 && t2 == 1.0 && c2 == 1.0,
        "identity layout: 1, 1");
  CHECK(prj_quality_tc(X, n, dx, Z, dy, k, 0, 1, &t2, &c2) == 0, "random layout");
  CHECK(t2 < t && t2 > 0.3 && t2 < 0.65, "random layout is near 0.5 (%.4f)", t2);
  CHECK(prj_quality_tc(X, n, dx, Y, dy, k, 60, 9, &t2, &c2) == 0 && fabs(t2 - t) < 0.05,
        "sampled queries estimate it (%.4f vs %.4f)", t2, t);
  CHECK(prj_quality_tc(X, 2, dx, Y, dy, k, 0, 1, &t2, &c2) == 0 && t2 == 1.0, "n = 2");
  CHECK(prj_quality_tc(X, 5, dx, Y, dy, 10, 0, 1, &t2, &c2) == 0 && t2 <= 1.0 && t2 >= 0.0,
        "k lowered for small n");

  /* 1-NN label accuracy */
  float L[6 * 2] = {0, 0, 0.1f, 0, 5, 5, 5.1f, 5, 10, 0, 0.25f, 0};
  int lab[6] = {0, 0, 1, 1, 2, 1};
  CHECK_NEAR(prj_label_accuracy(L, 6, 2, lab, 0, 1), 4.0 / 6.0, 1e-12, "label accuracy");
  int lab2[6] = {0, 0, -1, -1, -1, -1};
  CHECK_NEAR(prj_label_accuracy(L, 6, 2, lab2, 0, 1), 1.0, 1e-12, "unlabelled rows skipped");
  int lab3[6] = {0, -1, -1, -1, -1, -1};
  CHECK(isnan(prj_label_accuracy(L, 6, 2, lab3, 0, 1)), "one labelled row: NaN");
  return check_report("test_project_quality");
}
