/* quality.c — see quality.h. */
#include "project/quality.h"

#include <math.h>
#include <stdlib.h>

#include "project/rng.h"
#include "project/vec.h"

typedef struct {
  float d;
  int i;
} pair;

static int cmp_pair(const void *pa, const void *pb) {
  const pair *a = pa, *b = pb;
  if (a->d != b->d)
    return a->d < b->d ? -1 : 1;
  return a->i - b->i;
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
  pair *px = malloc(sizeof(pair) * n), *py = malloc(sizeof(pair) * n);
  int *rx = malloc(sizeof(int) * n), *ry = malloc(sizeof(int) * n);
  if (!q || !px || !py || !rx || !ry) {
    free(q), free(px), free(py), free(rx), free(ry);
    return -1;
  }
  double st = 0.0, sc = 0.0;
  for (int a = 0; a < m; a++) {
    int i = q[a], c = 0;
    for (int j = 0; j < n; j++) {
      if (j == i)
        continue;
      px[c].d = prj_l2sq(X + (size_t)i * dx, X + (size_t)j * dx, dx), px[c].i = j;
      py[c].d = prj_l2sq(Y + (size_t)i * dy, Y + (size_t)j * dy, dy), py[c].i = j;
      c++;
    }
    qsort(px, c, sizeof(pair), cmp_pair);
    qsort(py, c, sizeof(pair), cmp_pair);
    for (int r = 0; r < c; r++)
      rx[px[r].i] = r + 1, ry[py[r].i] = r + 1;
    for (int r = 0; r < k; r++) {
      int j = py[r].i; /* in the layout's k-NN but not the data's */
      if (rx[j] > k)
        st += rx[j] - k;
      j = px[r].i; /* in the data's k-NN but not the layout's */
      if (ry[j] > k)
        sc += ry[j] - k;
    }
  }
  double norm = 2.0 / ((double)m * k * (2.0 * n - 3.0 * k - 1.0));
  *trust = 1.0 - norm * st;
  *cont = 1.0 - norm * sc;
  free(q), free(px), free(py), free(rx), free(ry);
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
