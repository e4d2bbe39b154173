/* transform.c — see transform.h. */
#include "project/transform.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "project/fastmath.h"
#include "project/rng.h"
#include "project/umap.h"

#define NEG_RATE 5
#define CLIP 4.0f
#define ALPHA0 0.25f

static inline float clip(float v) { return v > CLIP ? CLIP : (v < -CLIP ? -CLIP : v); }

/* Due edges are taken four at a time, as in umap.c: their attractions all read y before any
 * moves it, then their negative samples (about five per edge), four at a time against the same
 * y, their pushes summed and applied together. */
static void group(const prj_place_ctx *c, const int *nb, const int *grp, int ng, float *y,
                  prj_rng *rng, int nneg, float alpha) {
  const int dims = c->dims, ns = c->ref->n;
  const float a = (float)c->a, b = (float)c->b, two_ab = 2.0f * a * b, two_b = 2.0f * b;
  float d2[4] = {0, 0, 0, 0}, dv[4][3] = {{0}}, g[4], mv[3] = {0, 0, 0};
  for (int s = 0; s < ng; s++) {
    const float *o = c->Y + (size_t)nb[grp[s]] * dims;
    for (int q = 0; q < dims; q++)
      dv[s][q] = y[q] - o[q], d2[s] += dv[s][q] * dv[s][q];
  }
  prj_umap_att4(d2, a, b, two_ab, g);
  for (int s = 0; s < ng; s++)
    if (d2[s] > 0.0f)
      for (int q = 0; q < dims; q++)
        mv[q] += clip(g[s] * dv[s][q]) * alpha;
  for (int q = 0; q < dims; q++)
    y[q] += mv[q], mv[q] = 0.0f;
  for (int s0 = 0; s0 < nneg; s0 += 4) {
    float n2[4] = {0, 0, 0, 0}, nv[4][3] = {{0}}, gr[4];
    int cnt = nneg - s0 < 4 ? nneg - s0 : 4;
    for (int l = 0; l < cnt; l++) {
      const float *p = c->Y + (size_t)prj_rng_below(rng, (uint32_t)ns) * dims;
      for (int q = 0; q < dims; q++)
        nv[l][q] = y[q] - p[q], n2[l] += nv[l][q] * nv[l][q];
    }
    prj_umap_rep4(n2, a, b, two_b, gr);
    for (int l = 0; l < cnt; l++)
      if (n2[l] > 0.0f) /* else the point itself, or one at the same place */
        for (int q = 0; q < dims; q++)
          mv[q] += clip(gr[l] * nv[l][q]);
  }
  for (int q = 0; q < dims; q++)
    y[q] += mv[q] * alpha;
}

/* The refinement of one new point y against its neighbours nb (positions in Y). */
static void refine(const prj_place_ctx *c, const int *nb, const float *w, int k, float *y,
                   prj_rng *rng, double *eps, double *next, double *next_neg) {
  float wmax = 0.0f;
  for (int j = 0; j < k; j++)
    wmax = w[j] > wmax ? w[j] : wmax;
  if (!(wmax > 0.0f))
    return;
  for (int j = 0; j < k; j++) {
    eps[j] = w[j] > 0.0f ? (double)wmax / w[j] : INFINITY;
    next[j] = eps[j];
    next_neg[j] = eps[j] / NEG_RATE;
  }
  for (int ep = 0; ep < c->epochs; ep++) {
    const float alpha = ALPHA0 * (1.0f - (float)ep / (float)c->epochs);
    int grp[4], ng = 0, nneg = 0;
    for (int j = 0; j < k; j++) {
      if (next[j] > ep)
        continue;
      next[j] += eps[j];
      const double eps_neg = eps[j] / NEG_RATE;
      int nn = (int)((ep - next_neg[j]) / eps_neg);
      next_neg[j] += nn * eps_neg;
      grp[ng++] = j, nneg += nn;
      if (ng == 4)
        group(c, nb, grp, ng, y, rng, nneg, alpha), ng = 0, nneg = 0;
    }
    if (ng)
      group(c, nb, grp, ng, y, rng, nneg, alpha);
  }
}

int prj_place(const prj_place_ctx *c, const float *F, int n, int64_t first, float *out) {
  const int k = c->k, dims = c->dims, df = c->ref->d;
  if (n <= 0)
    return 0;
  int *idx = malloc(sizeof(int) * (size_t)n * k);
  float *d2 = malloc(sizeof(float) * (size_t)n * k);
  float *w = malloc(sizeof(float) * k);
  double *sched = malloc(sizeof(double) * 3 * (size_t)k);
  int *ok = malloc(sizeof(int) * (size_t)n);
  int rc = -1;
  if (!idx || !d2 || !w || !sched || !ok)
    goto done;
  /* non-finite rows are searched as zero rows, their places set to NaN afterwards */
  float *Fz = NULL;
  int bad = 0;
  for (int i = 0; i < n; i++) {
    ok[i] = 1;
    for (int j = 0; j < df && ok[i]; j++)
      ok[i] = isfinite(F[(size_t)i * df + j]);
    bad += !ok[i];
  }
  if (bad) {
    Fz = malloc(sizeof(float) * (size_t)n * df);
    if (!Fz)
      goto done;
    for (int i = 0; i < n; i++)
      for (int j = 0; j < df; j++)
        Fz[(size_t)i * df + j] = ok[i] ? F[(size_t)i * df + j] : 0.0f;
  }
  int qrc = prj_knn_query(c->ref, Fz ? Fz : F, n, k, idx, d2);
  free(Fz);
  if (qrc)
    goto done;
  for (int i = 0; i < n; i++) {
    float *y = out + (size_t)i * dims;
    if (!ok[i]) {
      for (int q = 0; q < dims; q++)
        y[q] = NAN;
      continue;
    }
    float *di = d2 + (size_t)i * k;
    const int *ni = idx + (size_t)i * k;
    for (int j = 0; j < k; j++)
      di[j] = c->sqrt_dist ? sqrtf(di[j]) : 0.5f * di[j];
    prj_umap_smooth_knn(di, k, c->mean_dist, w);
    double sw = 0.0, acc[3] = {0, 0, 0};
    for (int j = 0; j < k; j++) {
      sw += w[j];
      for (int q = 0; q < dims; q++)
        acc[q] += (double)w[j] * c->Y[(size_t)ni[j] * dims + q];
    }
    for (int q = 0; q < dims; q++)
      y[q] = sw > 0 ? (float)(acc[q] / sw) : c->Y[(size_t)ni[0] * dims + q];
    if (c->epochs > 0) {
      prj_rng rng;
      prj_rng_seed(&rng, c->seed ^ 0x7c3a11ull, (uint64_t)(first + i));
      refine(c, ni, w, k, y, &rng, sched, sched + k, sched + 2 * k);
    }
  }
  rc = 0;
done:
  free(idx), free(d2), free(w), free(sched), free(ok);
  return rc;
}
