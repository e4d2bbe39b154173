/* quality.c — see quality.h. */
#include "project/quality.h"

#include <math.h>
#include <stdlib.h>

#include "project/knn.h"
#include "project/rng.h"
#include "project/vec.h"

/* the k nearest of the n values in v (v[self] excluded), by (value, index), into top[0..k) */
static void select_k(const float *v, int n, int self, int k, float *hd, int *top) {
  int cnt = 0;
  for (int j = 0; j < n; j++)
    if (j != self && (cnt < k || !prj_heap_worse(v[j], j, hd[0], top[0])))
      prj_heap_push(hd, top, &cnt, k, v[j], j);
}

/* rank of j among all others of the query by (value, index): 1 + how many come before it.
 * v[self] is +inf, so it never counts. */
static int rank_of(const float *v, int n, int j) {
  const float t = v[j];
  int c = 0;
  for (int l = 0; l < n; l++)
    c += v[l] < t;
  for (int l = 0; l < j; l++) /* ties go by index */
    c += v[l] == t;
  return c + 1;
}

static int member(const int *set, int k, int j) {
  for (int r = 0; r < k; r++)
    if (set[r] == j)
      return 1;
  return 0;
}

/* the query points: all, or a seeded sample without repetition (partial Fisher-Yates) */
static int *pick_queries(int n, int *m, uint64_t seed) {
  int *q = malloc(sizeof(int) * (n > 0 ? n : 1));
  if (!q)
    return NULL;
  for (int i = 0; i < n; i++)
    q[i] = i;
  if (*m <= 0 || *m >= n) {
    *m = n;
    return q;
  }
  prj_rng r;
  prj_rng_seed(&r, seed, 0x9a1);
  for (int i = 0; i < *m; i++) {
    int j = i + (int)prj_rng_below(&r, (uint32_t)(n - i));
    int t = q[i];
    q[i] = q[j], q[j] = t;
  }
  return q;
}

int prj_quality_tc(const float *X, int n, int dx, const float *Y, int dy, int k, int queries,
                   uint64_t seed, double *trust, double *cont) {
  *trust = *cont = 1.0;
  if (n < 3 || k < 1)
    return 0;
  if (k > n - 2)
    k = n - 2;
  while (k > 1 && 2.0 * n - 3.0 * k - 1.0 <= 0)
    k--;
  if (2.0 * n - 3.0 * k - 1.0 <= 0)
    return 0;
  int m = queries;
  int *q = pick_queries(n, &m, seed);
  float *vx = malloc(sizeof(float) * n), *vy = malloc(sizeof(float) * n);
  float *hd = malloc(sizeof(float) * k);
  int *nx = malloc(sizeof(int) * k), *ny = malloc(sizeof(int) * k);
  if (!q || !vx || !vy || !hd || !nx || !ny) {
    free(q), free(vx), free(vy), free(hd), free(nx), free(ny);
    return -1;
  }
  /* per query: both distance rows, both k-neighbour sets by selection, then a rank by counting
   * for each neighbour missing from the other set (the same sums as sorting both rows) */
  double st = 0.0, sc = 0.0;
  for (int a = 0; a < m; a++) {
    int i = q[a];
    for (int j = 0; j < n; j++) {
      vx[j] = prj_l2sq(X + (size_t)i * dx, X + (size_t)j * dx, dx);
      vy[j] = prj_l2sq(Y + (size_t)i * dy, Y + (size_t)j * dy, dy);
    }
    vx[i] = vy[i] = INFINITY;
    select_k(vx, n, i, k, hd, nx);
    select_k(vy, n, i, k, hd, ny);
    for (int r = 0; r < k; r++) {
      if (!member(nx, k, ny[r])) /* in the layout's k-NN but not the data's */
        st += rank_of(vx, n, ny[r]) - k;
      if (!member(ny, k, nx[r])) /* in the data's k-NN but not the layout's */
        sc += rank_of(vy, n, nx[r]) - k;
    }
  }
  double norm = 2.0 / ((double)m * k * (2.0 * n - 3.0 * k - 1.0));
  *trust = 1.0 - norm * st;
  *cont = 1.0 - norm * sc;
  free(q), free(vx), free(vy), free(hd), free(nx), free(ny);
  return 0;
}

double prj_label_accuracy(const float *Y, int n, int dy, const int *labels, int queries,
                          uint64_t seed) {
  int nl = 0;
  for (int i = 0; i < n; i++)
    nl += labels[i] >= 0;
  if (nl < 2)
    return NAN;
  int *lab = malloc(sizeof(int) * nl);
  if (!lab)
    return NAN;
  for (int i = 0, c = 0; i < n; i++)
    if (labels[i] >= 0)
      lab[c++] = i;
  int m = queries;
  int *q = pick_queries(nl, &m, seed);
  if (!q) {
    free(lab);
    return NAN;
  }
  long hit = 0;
  for (int a = 0; a < m; a++) {
    int i = lab[q[a]], best = -1;
    float bd = INFINITY;
    for (int b = 0; b < nl; b++) {
      int j = lab[b];
      if (j == i)
        continue;
      float d = prj_l2sq(Y + (size_t)i * dy, Y + (size_t)j * dy, dy);
      if (d < bd)
        bd = d, best = j;
    }
    hit += best >= 0 && labels[best] == labels[i];
  }
  free(lab), free(q);
  return (double)hit / m;
}
