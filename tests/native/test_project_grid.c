/* Grid layout: the exact assignment is optimal (against enumeration), cells are distinct, a
 * jittered grid lands on itself, the approximation (split into leaves solved exactly, window
 * re-solves) stays close to the optimum and beats the pure split; edge cases of the
 * approximation (no point, one point, a full grid, a 1 x n grid, duplicate points). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "project/grid.h"
#include "project/rng.h"
#include "sonomap.h"

static double best = INFINITY;

/* every injective map of n points into m cells */
static void enumerate(const float *xy, int n, int cols, int rows, int *cell, int i, int used) {
  if (i == n) {
    double c = prj_grid_cost(xy, n, 2, cols, rows, cell);
    if (c < best)
      best = c;
    return;
  }
  for (int j = 0; j < cols * rows; j++)
    if (!(used & (1 << j))) {
      cell[i] = j;
      enumerate(xy, n, cols, rows, cell, i + 1, used | (1 << j));
    }
}

/* a UMAP-like cloud: Gaussian blobs of different sizes and weights plus uniform noise */
static void blobs(prj_rng *r, float *xy, int n) {
  double cx[6], cy[6], s[6], w[6], tot = 0;
  for (int b = 0; b < 6; b++) {
    cx[b] = 10 * prj_rng_uniform(r), cy[b] = 8 * prj_rng_uniform(r);
    s[b] = 0.2 + prj_rng_uniform(r), w[b] = 0.2 + 3 * prj_rng_uniform(r) * prj_rng_uniform(r);
    tot += w[b];
  }
  for (int i = 0; i < n; i++) {
    if (prj_rng_uniform(r) < 0.06) {
      xy[2 * i] = (float)(12 * prj_rng_uniform(r) - 1);
      xy[2 * i + 1] = (float)(10 * prj_rng_uniform(r) - 1);
      continue;
    }
    double t = tot * prj_rng_uniform(r);
    int b = 0;
    while (b < 5 && t > w[b])
      t -= w[b], b++;
    xy[2 * i] = (float)(cx[b] + s[b] * prj_rng_normal(r));
    xy[2 * i + 1] = (float)(cy[b] + 0.7 * s[b] * prj_rng_normal(r));
  }
}

static int distinct(const int *cell, int n, int m) {
  char *seen = calloc(m, 1);
  int ok = 1;
  for (int i = 0; i < n; i++) {
    ok &= cell[i] >= 0 && cell[i] < m && !seen[cell[i]];
    if (cell[i] >= 0 && cell[i] < m)
      seen[cell[i]] = 1;
  }
  free(seen);
  return ok;
}

/* optimality on tiny problems, square and with spare cells */
static void test_exact_tiny(prj_rng *r) {
  for (int trial = 0; trial < 6; trial++) {
    int n = trial < 3 ? 6 : 5, cols = 3, rows = 2;
    float xy[12];
    int cell[6], tmp[6];
    for (int i = 0; i < 2 * n; i++)
      xy[i] = (float)prj_rng_normal(r);
    CHECK(prj_grid_exact(xy, n, 2, cols, rows, cell) == 0, "exact runs");
    best = INFINITY;
    enumerate(xy, n, cols, rows, tmp, 0, 0);
    CHECK(distinct(cell, n, 6), "distinct cells");
    CHECK_NEAR(prj_grid_cost(xy, n, 2, cols, rows, cell), best, 1e-9, "exact = enumerated optimum");
  }
}

/* optimality with ties (duplicate points, points on cell centres) and 8 points on 3 x 3 */
static void test_exact_ties(prj_rng *r) {
  for (int trial = 0; trial < 4; trial++) {
    int n = 8, cols = 3, rows = 3;
    float xy[16];
    int cell[8], tmp[8];
    for (int i = 0; i < 2 * n; i++)
      xy[i] = (float)prj_rng_normal(r);
    if (trial & 1)
      for (int i = 0; i < 4; i++) /* four copies of one point */
        xy[2 * i] = xy[0], xy[2 * i + 1] = xy[1];
    if (trial & 2)
      for (int i = 0; i < n; i++) /* on a lattice */
        xy[2 * i] = (float)(i % 3), xy[2 * i + 1] = (float)((i * 5) % 3);
    CHECK(prj_grid_exact(xy, n, 2, cols, rows, cell) == 0, "exact runs");
    best = INFINITY;
    enumerate(xy, n, cols, rows, tmp, 0, 0);
    CHECK(distinct(cell, n, 9), "distinct cells (ties %d)", trial);
    double got = prj_grid_cost(xy, n, 2, cols, rows, cell);
    CHECK(fabs(got - best) <= 1e-9, "ties %d: exact %.9f = optimum %.9f", trial, got, best);
  }
}

/* a jittered 20 x 15 grid (shuffled) lands on itself, exact and split */
static void test_jittered_grid(prj_rng *r) {
  char err[200];
  const int cols = 20, rows = 15, n = cols * rows;
  float *xy = malloc(sizeof(float) * 3 * n);
  int *truth = malloc(sizeof(int) * n), *cell = malloc(sizeof(int) * n);
  for (int i = 0; i < n; i++)
    truth[i] = i;
  for (int i = n - 1; i > 0; i--) {
    int j = (int)prj_rng_below(r, (uint32_t)(i + 1)), t = truth[i];
    truth[i] = truth[j], truth[j] = t;
  }
  for (int i = 0; i < n; i++) { /* stride 3: x, y, unused z */
    xy[3 * i] = (float)(truth[i] % cols + 0.2 * (prj_rng_uniform(r) - 0.5));
    xy[3 * i + 1] = (float)(truth[i] / cols + 0.2 * (prj_rng_uniform(r) - 0.5));
    xy[3 * i + 2] = 99.0f;
  }
  CHECK(sm_grid_assign(xy, n, 3, cols, rows, cell, err, sizeof err) == 0, "grid: %s", err);
  CHECK(memcmp(cell, truth, sizeof(int) * n) == 0, "exact: a jittered grid lands on itself");
  CHECK(prj_grid_split(xy, n, 3, cols, rows, cell) == 0 &&
            memcmp(cell, truth, sizeof(int) * n) == 0,
        "split: a jittered grid lands on itself");
  free(xy), free(truth), free(cell);
}

/* a Gaussian cloud: split close to exact */
static void test_gaussian_split(prj_rng *r) {
  const int m = 400;
  float *g = malloc(sizeof(float) * 2 * m);
  int *ce = malloc(sizeof(int) * m), *cs = malloc(sizeof(int) * m);
  for (int i = 0; i < 2 * m; i++)
    g[i] = (float)prj_rng_normal(r);
  CHECK(prj_grid_exact(g, m, 2, 20, 21, ce) == 0 && prj_grid_split(g, m, 2, 20, 21, cs) == 0,
        "both");
  double c_exact = prj_grid_cost(g, m, 2, 20, 21, ce), c_split = prj_grid_cost(g, m, 2, 20, 21, cs);
  printf("grid 400 points: exact cost %.4f, split %.4f (ratio %.3f)\n", c_exact, c_split,
         c_split / c_exact);
  CHECK(distinct(ce, m, 420) && distinct(cs, m, 420), "distinct cells");
  CHECK(c_exact <= c_split + 1e-9 && c_split < 1.15 * c_exact, "split within 15%% of optimal");
  free(g), free(ce), free(cs);
}

/* blob and uniform clouds on grids just large enough, small enough that the optimum is known,
 * the approximation forced: hybrid near the optimum, better than the pure
 * split (leaves of one cell, no windows) */
static void test_hybrid_near_optimum(prj_rng *r) {
  for (int kind = 0; kind < 2; kind++) {
    const int nb = 600, bc = 25, br = 25;
    float *xb = malloc(sizeof(float) * 2 * nb);
    int *c0 = malloc(sizeof(int) * nb), *c1 = malloc(sizeof(int) * nb),
        *c2 = malloc(sizeof(int) * nb);
    if (kind == 0)
      blobs(r, xb, nb);
    else
      for (int i = 0; i < 2 * nb; i++)
        xb[i] = (float)prj_rng_uniform(r);
    CHECK(prj_grid_exact(xb, nb, 2, bc, br, c0) == 0, "exact");
    CHECK(prj_grid_split_leaf(xb, nb, 2, bc, br, 1, 0, c1) == 0, "pure split");
    CHECK(prj_grid_split(xb, nb, 2, bc, br, c2) == 0, "hybrid");
    CHECK(distinct(c0, nb, bc * br) && distinct(c1, nb, bc * br) && distinct(c2, nb, bc * br),
          "distinct cells");
    double e = prj_grid_cost(xb, nb, 2, bc, br, c0), p = prj_grid_cost(xb, nb, 2, bc, br, c1),
           h = prj_grid_cost(xb, nb, 2, bc, br, c2);
    printf("grid %d %s points: exact %.4f, pure split %.4f (%.3f), hybrid %.4f (%.3f)\n", nb,
           kind ? "uniform" : "blob", e, p, p / e, h, h / e);
    CHECK(e <= h + 1e-9, "%s: the exact cost is the least", kind ? "uniform" : "blobs");
    CHECK(h < (kind ? 1.08 : 1.03) * e, "%s: hybrid within %s of the optimum (%.3f)",
          kind ? "uniform" : "blobs", kind ? "8%" : "3%", h / e);
    CHECK(h < (kind ? 0.8 : 0.95) * p, "%s: hybrid beats the pure split (%.3f)",
          kind ? "uniform" : "blobs", h / p);
    /* deterministic */
    CHECK(prj_grid_split(xb, nb, 2, bc, br, c1) == 0 && memcmp(c1, c2, sizeof(int) * nb) == 0,
          "hybrid twice: the same cells");
    /* one leaf covering the whole grid is the exact solver */
    CHECK(prj_grid_split_leaf(xb, nb, 2, bc, br, bc * br, 0, c1) == 0 &&
              fabs(prj_grid_cost(xb, nb, 2, bc, br, c1) - e) < 1e-9,
          "a single leaf is exact");
    free(xb), free(c0), free(c1), free(c2);
  }
}

/* edge cases of the approximation */
static void test_split_edge_cases(prj_rng *r) {
  const int ne = 700;
  float *xe = malloc(sizeof(float) * 2 * ne);
  int *ce2 = malloc(sizeof(int) * ne);
  blobs(r, xe, ne);
  CHECK(prj_grid_split(xe, 0, 2, 4, 4, ce2) == 0, "no points");
  CHECK(prj_grid_split(xe, 1, 2, 1, 1, ce2) == 0 && ce2[0] == 0, "one point, one cell");
  CHECK(prj_grid_split(xe, 1, 2, 5, 3, ce2) == 0 && ce2[0] >= 0 && ce2[0] < 15, "one point");
  CHECK(prj_grid_split(xe, ne, 2, 35, 20, ce2) == 0 && distinct(ce2, ne, ne), "full 35 x 20");
  CHECK(prj_grid_split(xe, ne, 2, 1, ne, ce2) == 0 && distinct(ce2, ne, ne), "1 x n");
  CHECK(prj_grid_split(xe, ne, 2, ne + 3, 1, ce2) == 0 && distinct(ce2, ne, ne + 3), "n+3 x 1");
  /* on a 1 x n grid the optimum sorts the points by y (ties by anything): the hybrid finds it */
  int sorted = 1;
  CHECK(prj_grid_split(xe, ne, 2, 1, ne, ce2) == 0, "1 x n");
  for (int i = 0; i < ne; i++)
    for (int k = 0; k < ne; k++)
      if (xe[2 * i + 1] < xe[2 * k + 1] && ce2[i] > ce2[k])
        sorted = 0;
  CHECK(sorted, "1 x n: cells in the order of y");
  for (int i = 100; i < 400; i++) /* 300 copies of one point, 100 of another */
    xe[2 * i] = xe[0], xe[2 * i + 1] = xe[1];
  for (int i = 400; i < 500; i++)
    xe[2 * i] = xe[2], xe[2 * i + 1] = xe[3];
  CHECK(prj_grid_split(xe, ne, 2, 27, 27, ce2) == 0 && distinct(ce2, ne, 27 * 27), "duplicates");
  for (int i = 0; i < ne; i++) /* all one point */
    xe[2 * i] = 3.0f, xe[2 * i + 1] = -1.0f;
  CHECK(prj_grid_split(xe, ne, 2, 27, 27, ce2) == 0 && distinct(ce2, ne, 27 * 27), "one place");
  free(xe), free(ce2);
}

/* beyond the exact size: the split path through the public call */
static void test_public_split_and_refusals(prj_rng *r) {
  char err[200];
  const int big = 3000;
  float *b = malloc(sizeof(float) * 2 * big);
  int *cb = malloc(sizeof(int) * big);
  for (int i = 0; i < 2 * big; i++)
    b[i] = (float)prj_rng_normal(r);
  CHECK(sm_grid_assign(b, big, 2, 55, 55, cb, err, sizeof err) == 0 && distinct(cb, big, 55 * 55),
        "3000 points on 55 x 55: %s", err);
  /* refusals */
  CHECK(sm_grid_assign(b, big, 2, 50, 50, cb, err, sizeof err) == -1 && err[0], "too few cells");
  b[7] = NAN;
  CHECK(sm_grid_assign(b, big, 2, 55, 55, cb, err, sizeof err) == -1, "NaN point refused");
  CHECK(sm_grid_assign(b, 0, 2, 1, 1, cb, err, sizeof err) == 0, "no points");
  free(b), free(cb);
}

int main(void) {
  prj_rng r;
  prj_rng_seed(&r, 11, 1);
  test_exact_tiny(&r);
  test_exact_ties(&r);
  test_jittered_grid(&r);
  test_gaussian_split(&r);
  test_hybrid_near_optimum(&r);
  test_split_edge_cases(&r);
  test_public_split_and_refusals(&r);
  return check_report("test_project_grid");
}
