/* kmeans.c — see kmeans.h. */
#include "project/kmeans.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "project/rng.h"
#include "project/vec.h"

static void normalize(float *v, int d) {
  double s = 0.0;
  for (int j = 0; j < d; j++)
    s += (double)v[j] * v[j];
  if (s > 0) {
    float inv = (float)(1.0 / sqrt(s));
    for (int j = 0; j < d; j++)
      v[j] *= inv;
  }
}

int prj_kmeans(const float *X, int n, int d, int k, int spherical, uint64_t seed, int max_iter,
               int *labels, float *centroids, double *inertia) {
  if (n < 1 || d < 1 || k < 1)
    return -1;
  if (k > n)
    k = n;
  float *Xn = NULL;
  const float *P = X;
  float *C = malloc(sizeof(float) * k * d);
  double *acc = malloc(sizeof(double) * k * d), *dmin = malloc(sizeof(double) * n);
  int *cnt = malloc(sizeof(int) * k);
  if (spherical) {
    Xn = malloc(sizeof(float) * (size_t)n * d);
    if (Xn) {
      memcpy(Xn, X, sizeof(float) * (size_t)n * d);
      for (int i = 0; i < n; i++)
        normalize(Xn + (size_t)i * d, d);
    }
    P = Xn;
  }
  if (!C || !acc || !dmin || !cnt || (spherical && !Xn)) {
    free(C), free(acc), free(dmin), free(cnt), free(Xn);
    return -1;
  }
  prj_rng rng;
  prj_rng_seed(&rng, seed, 0x3ea);
  /* k-means++ */
  int first = (int)prj_rng_below(&rng, (uint32_t)n);
  memcpy(C, P + (size_t)first * d, sizeof(float) * d);
  for (int i = 0; i < n; i++)
    dmin[i] = prj_l2sq(P + (size_t)i * d, C, d);
  for (int c = 1; c < k; c++) {
    double tot = 0.0;
    for (int i = 0; i < n; i++)
      tot += dmin[i];
    int pick = n - 1;
    if (tot > 0) {
      double r = prj_rng_uniform(&rng) * tot, run = 0.0;
      for (int i = 0; i < n; i++) {
        run += dmin[i];
        if (run > r && dmin[i] > 0) {
          pick = i;
          break;
        }
      }
    } else {
      pick = (int)prj_rng_below(&rng, (uint32_t)n);
    }
    memcpy(C + (size_t)c * d, P + (size_t)pick * d, sizeof(float) * d);
    for (int i = 0; i < n; i++) {
      double t = prj_l2sq(P + (size_t)i * d, C + (size_t)c * d, d);
      if (t < dmin[i])
        dmin[i] = t;
    }
  }
  for (int i = 0; i < n; i++)
    labels[i] = -1;
  int it = 0;
  for (; it < max_iter; it++) {
    int changed = 0;
    for (int i = 0; i < n; i++) {
      const float *x = P + (size_t)i * d;
      int best = 0;
      float bd = prj_l2sq(x, C, d);
      for (int c = 1; c < k; c++) {
        float t = prj_l2sq(x, C + (size_t)c * d, d);
        if (t < bd)
          bd = t, best = c;
      }
      dmin[i] = bd;
      if (labels[i] != best)
        labels[i] = best, changed++;
    }
    if (!changed)
      break;
    memset(acc, 0, sizeof(double) * k * d);
    memset(cnt, 0, sizeof(int) * k);
    for (int i = 0; i < n; i++) {
      cnt[labels[i]]++;
      for (int j = 0; j < d; j++)
        acc[(size_t)labels[i] * d + j] += P[(size_t)i * d + j];
    }
    for (int c = 0; c < k; c++) {
      if (!cnt[c]) { /* empty: take the worst-served point of a cluster with others */
        int far = -1;
        for (int i = 0; i < n; i++)
          if (cnt[labels[i]] > 1 && (far < 0 || dmin[i] > dmin[far]))
            far = i;
        if (far < 0)
          continue;
        cnt[labels[far]]--;
        for (int j = 0; j < d; j++)
          acc[(size_t)labels[far] * d + j] -= P[(size_t)far * d + j];
        labels[far] = c;
        dmin[far] = 0;
        cnt[c] = 1;
        for (int j = 0; j < d; j++)
          acc[(size_t)c * d + j] = P[(size_t)far * d + j];
      }
    }
    for (int c = 0; c < k; c++) {
      if (!cnt[c])
        continue;
      for (int j = 0; j < d; j++)
        C[(size_t)c * d + j] = (float)(acc[(size_t)c * d + j] / cnt[c]);
      if (spherical)
        normalize(C + (size_t)c * d, d);
    }
  }
  if (inertia) {
    double s = 0.0;
    for (int i = 0; i < n; i++)
      s += prj_l2sq(P + (size_t)i * d, C + (size_t)labels[i] * d, d);
    *inertia = s;
  }
  if (centroids)
    memcpy(centroids, C, sizeof(float) * k * d);
  free(C), free(acc), free(dmin), free(cnt), free(Xn);
  return it;
}
