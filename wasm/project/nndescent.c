/* nndescent.c — see nndescent.h. */
#include "project/nndescent.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "project/knn.h"
#include "project/rng.h"
#include "project/vec.h"

#define MAX_ITERS 12
#define DELTA 0.001
#define MAX_CAND 60

typedef struct {
  const float *X;
  int n, d, k;
  float *hd;     /* n x k heap distances (max-heap per row) */
  int *hi;       /* n x k heap indices */
  uint8_t *hnew; /* n x k: entry not yet joined */
  int *cnt;      /* entries per heap */
} graph;

/* push with a "new" flag; rejects ids already present. Returns 1 when kept. */
static int push(graph *g, int v, float dist, int id) {
  float *hd = g->hd + (size_t)v * g->k;
  int *hi = g->hi + (size_t)v * g->k;
  uint8_t *hn = g->hnew + (size_t)v * g->k;
  int c = g->cnt[v], k = g->k;
  if (c == k && !prj_heap_worse(hd[0], hi[0], dist, id))
    return 0;
  for (int j = 0; j < c; j++)
    if (hi[j] == id)
      return 0;
  int i;
  if (c < k) { /* sift up */
    i = g->cnt[v]++;
    while (i > 0) {
      int p = (i - 1) / 2;
      if (!prj_heap_worse(dist, id, hd[p], hi[p]))
        break;
      hd[i] = hd[p], hi[i] = hi[p], hn[i] = hn[p];
      i = p;
    }
  } else { /* replace the root, sift down */
    i = 0;
    for (;;) {
      int l = 2 * i + 1, r = l + 1, m = -1;
      float md = dist;
      int mi = id;
      if (l < k && prj_heap_worse(hd[l], hi[l], md, mi))
        m = l, md = hd[l], mi = hi[l];
      if (r < k && prj_heap_worse(hd[r], hi[r], md, mi))
        m = r;
      if (m < 0)
        break;
      hd[i] = hd[m], hi[i] = hi[m], hn[i] = hn[m];
      i = m;
    }
  }
  hd[i] = dist, hi[i] = id, hn[i] = 1;
  return 1;
}

static int try_pair(graph *g, int a, int b) {
  if (a == b)
    return 0;
  const float *xa = g->X + (size_t)a * g->d, *xb = g->X + (size_t)b * g->d;
  int ka = g->cnt[a] == g->k ? 1 : 0, kb = g->cnt[b] == g->k ? 1 : 0;
  float ta = g->hd[(size_t)a * g->k], tb = g->hd[(size_t)b * g->k];
  float dist = prj_l2sq(xa, xb, g->d);
  int c = 0;
  if (!ka || dist <= ta)
    c += push(g, a, dist, b);
  if (!kb || dist <= tb)
    c += push(g, b, dist, a);
  return c;
}

/* random-projection tree over idx[0..m): leaves of at most `leaf` points join their pairs */
static void rp_tree(graph *g, int *idx, int m, int leaf, prj_rng *rng, float *side) {
  for (;;) { /* recurse into the smaller side, loop on the larger: depth <= log2(n) */
    if (m <= leaf) {
      for (int a = 0; a < m; a++)
        for (int b = a + 1; b < m; b++)
          try_pair(g, idx[a], idx[b]);
      return;
    }
    const int d = g->d;
    int pa = (int)prj_rng_below(rng, (uint32_t)m), pb = (int)prj_rng_below(rng, (uint32_t)(m - 1));
    if (pb >= pa)
      pb++;
    const float *xa = g->X + (size_t)idx[pa] * d, *xb = g->X + (size_t)idx[pb] * d;
    /* hyperplane between xa and xb: sign of (x - (xa + xb) / 2) . (xa - xb) */
    double off = 0.5 * ((double)prj_dot(xa, xa, d) - prj_dot(xb, xb, d));
    int left = 0;
    for (int i = 0; i < m; i++) {
      const float *x = g->X + (size_t)idx[i] * d;
      double s = (double)prj_dot(x, xa, d) - prj_dot(x, xb, d) - off;
      side[i] = (float)s;
    }
    /* partition; a zero margin goes to a random side */
    int lo = 0, hi = m - 1;
    int *tmp = idx;
    for (int i = 0; i < m; i++)
      if (side[i] == 0.0f)
        side[i] = (prj_rng_next(rng) & 1) ? 1.0f : -1.0f;
    while (lo <= hi) {
      if (side[lo] < 0) {
        lo++;
      } else {
        int t = tmp[lo];
        tmp[lo] = tmp[hi], tmp[hi] = t;
        float s = side[lo];
        side[lo] = side[hi], side[hi] = s;
        hi--;
      }
    }
    left = lo;
    if (left == 0 || left == m)
      left = m / 2; /* everything on one side: split in half */
    if (left <= m - left) {
      rp_tree(g, idx, left, leaf, rng, side);
      idx += left, side += left, m -= left;
    } else {
      rp_tree(g, idx + left, m - left, leaf, rng, side + left);
      m = left;
    }
  }
}

/* candidate lists: a bounded max-heap keyed by random priority */
static void cand_push(float *pd, int *pi, int *cnt, int maxc, float pr, int id) {
  for (int j = 0; j < *cnt; j++)
    if (pi[j] == id)
      return;
  prj_heap_push(pd, pi, cnt, maxc, pr, id);
}

int prj_nndescent(const float *X, int n, int d, int k, uint64_t seed, int *idx, float *d2) {
  if (n < 2 || k < 1 || k > n - 1)
    return -1;
  graph g = {X, n, d, k, d2, idx, NULL, NULL};
  int maxc = 2 * k < MAX_CAND ? 2 * k : MAX_CAND;
  g.hnew = malloc((size_t)n * k);
  g.cnt = calloc(n, sizeof(int));
  int *perm = malloc(sizeof(int) * n);
  float *side = malloc(sizeof(float) * n);
  float *nd = malloc(sizeof(float) * (size_t)n * maxc),
        *od = malloc(sizeof(float) * (size_t)n * maxc);
  int *ni = malloc(sizeof(int) * (size_t)n * maxc), *oi = malloc(sizeof(int) * (size_t)n * maxc);
  int *nc = malloc(sizeof(int) * n), *oc = malloc(sizeof(int) * n);
  int rc = -1;
  if (!g.hnew || !g.cnt || !perm || !side || !nd || !od || !ni || !oi || !nc || !oc)
    goto done;
  prj_rng rng;
  prj_rng_seed(&rng, seed, 0x7dd);
  /* forest of random-projection trees */
  int trees = 5 + (int)lround(pow((double)n, 0.25));
  if (trees > 32)
    trees = 32;
  int leaf = k + 1 > 30 ? k + 1 : 30;
  for (int t = 0; t < trees; t++) {
    for (int i = 0; i < n; i++)
      perm[i] = i;
    rp_tree(&g, perm, n, leaf, &rng, side);
  }
  /* fill what the trees left short with random points */
  for (int v = 0; v < n; v++)
    for (int tries = 0; g.cnt[v] < k && tries < 8 * k + 64; tries++)
      try_pair(&g, v, (int)prj_rng_below(&rng, (uint32_t)n));
  for (int v = 0; v < n; v++)
    for (int u = 0; g.cnt[v] < k && u < n; u++)
      try_pair(&g, v, u);
  /* NN-descent */
  for (int it = 0; it < MAX_ITERS; it++) {
    memset(nc, 0, sizeof(int) * n);
    memset(oc, 0, sizeof(int) * n);
    for (int v = 0; v < n; v++)
      for (int j = 0; j < g.cnt[v]; j++) {
        int u = g.hi[(size_t)v * k + j];
        float pr = (float)prj_rng_uniform(&rng);
        if (g.hnew[(size_t)v * k + j]) {
          cand_push(nd + (size_t)v * maxc, ni + (size_t)v * maxc, &nc[v], maxc, pr, u);
          cand_push(nd + (size_t)u * maxc, ni + (size_t)u * maxc, &nc[u], maxc, pr, v);
        } else {
          cand_push(od + (size_t)v * maxc, oi + (size_t)v * maxc, &oc[v], maxc, pr, u);
          cand_push(od + (size_t)u * maxc, oi + (size_t)u * maxc, &oc[u], maxc, pr, v);
        }
      }
    /* entries chosen as new candidates are joined now: mark them old */
    for (int v = 0; v < n; v++)
      for (int j = 0; j < g.cnt[v]; j++) {
        if (!g.hnew[(size_t)v * k + j])
          continue;
        int u = g.hi[(size_t)v * k + j];
        for (int c = 0; c < nc[v]; c++)
          if (ni[(size_t)v * maxc + c] == u) {
            g.hnew[(size_t)v * k + j] = 0;
            break;
          }
      }
    long updates = 0;
    for (int v = 0; v < n; v++) {
      const int *nv = ni + (size_t)v * maxc, *ov = oi + (size_t)v * maxc;
      for (int a = 0; a < nc[v]; a++) {
        for (int b = a + 1; b < nc[v]; b++)
          updates += try_pair(&g, nv[a], nv[b]);
        for (int b = 0; b < oc[v]; b++)
          updates += try_pair(&g, nv[a], ov[b]);
      }
    }
    if (updates <= DELTA * (double)n * k)
      break;
  }
  for (int v = 0; v < n; v++)
    prj_heap_sort(g.hd + (size_t)v * k, g.hi + (size_t)v * k, k);
  rc = 0;
done:
  free(g.hnew), free(g.cnt), free(perm), free(side), free(nd), free(od), free(ni), free(oi);
  free(nc), free(oc);
  return rc;
}
