/* knn-recall — recall and time of the projection engine's nearest-neighbour search.
 *
 *   knn-recall [-n N] [-k K] [-a nnd|exact|both] [-D dims] [-q queries] [-s seed] [-c clusters]
 *              [-t 1: NN-descent stepped through prj_nnd_step]
 *
 * Data: the benchmark's shape (scripts/bench/map-core.mjs makeClusters): c centres drawn
 * N(0, 1) per coordinate, each point its centre plus N(0, 1) noise. With -D > 50 the points are
 * made in D dimensions, standardised and reduced to 50 by the engine's own PCA (what map.c
 * does); otherwise they are made directly in 50 (or -D) dimensions. Recall is measured on a
 * sample of queries against brute force (double), so it needs no full exact graph. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "project/knn.h"
#include "project/nndescent.h"
#include "project/pca.h"
#include "project/rng.h"
#include "project/vec.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* a normal deviate without libm (sum of 12 uniforms), so native and wasm make the same data */
static double normal12(prj_rng *r) {
  double s = 0;
  for (int i = 0; i < 12; i++)
    s += prj_rng_uniform(r);
  return s - 6.0;
}

/* FNV-1a over the graph: native and wasm runs must print the same value */
static uint64_t hash(const int *idx, const float *d2, size_t m) {
  uint64_t h = 1469598103934665603ull;
  const unsigned char *p = (const unsigned char *)idx, *q = (const unsigned char *)d2;
  for (size_t i = 0; i < m * 4; i++)
    h = (h ^ p[i]) * 1099511628211ull, h = (h ^ q[i]) * 1099511628211ull;
  return h;
}

static float *make_data(int n, int D, int c, uint64_t seed, int *dout) {
  prj_rng r;
  prj_rng_seed(&r, seed, 77);
  double *C = malloc(sizeof(double) * (size_t)c * D);
  float *X = malloc(sizeof(float) * (size_t)n * D);
  if (!C || !X)
    return NULL;
  for (size_t i = 0; i < (size_t)c * D; i++)
    C[i] = normal12(&r);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < D; j++)
      X[(size_t)i * D + j] = (float)(C[(size_t)(i % c) * D + j] + normal12(&r));
  free(C);
  *dout = D;
  if (D <= 50)
    return X;
  /* standardise (as a view) and reduce to 50 dimensions */
  float *shift = malloc(sizeof(float) * D), *scale = malloc(sizeof(float) * D);
  for (int j = 0; j < D; j++) {
    double s = 0, s2 = 0;
    for (int i = 0; i < n; i++) {
      double v = X[(size_t)i * D + j];
      s += v, s2 += v * v;
    }
    double mu = s / n, sd = sqrt(fmax(s2 / n - mu * mu, 1e-12));
    scale[j] = (float)(1.0 / sd), shift[j] = (float)(mu / sd);
  }
  prj_view v = {X, D, NULL, shift, scale};
  prj_pca p;
  char err[128];
  if (prj_pca_fit_view(&v, n, 50, seed, &p, err, sizeof err)) {
    fprintf(stderr, "pca: %s\n", err);
    return NULL;
  }
  float *Y = malloc(sizeof(float) * (size_t)n * 50);
  prj_pca_transform_view(&p, &v, n, Y);
  prj_pca_free(&p);
  free(X), free(shift), free(scale);
  *dout = 50;
  return Y;
}

typedef struct {
  double d;
  int i;
} bf;
static int cmp_bf(const void *pa, const void *pb) {
  const bf *a = pa, *b = pb;
  if (a->d != b->d)
    return a->d < b->d ? -1 : 1;
  return a->i - b->i;
}

/* recall of idx (n x k) on nq sampled rows, against brute force */
static double recall(const float *X, int n, int d, int k, const int *idx, int nq, uint64_t seed) {
  bf *all = malloc(sizeof(bf) * n);
  prj_rng r;
  prj_rng_seed(&r, seed, 999);
  long hit = 0;
  for (int q = 0; q < nq; q++) {
    int i = nq >= n ? q : (int)prj_rng_below(&r, (uint32_t)n);
    int c = 0;
    for (int j = 0; j < n; j++) {
      if (j == i)
        continue;
      double s = 0;
      for (int t = 0; t < d; t++) {
        double u = (double)X[(size_t)i * d + t] - X[(size_t)j * d + t];
        s += u * u;
      }
      all[c].d = s, all[c].i = j, c++;
    }
    /* partial selection: the k smallest */
    for (int a = 0; a < k; a++) {
      int m = a;
      for (int b = a + 1; b < c; b++)
        if (cmp_bf(&all[b], &all[m]) < 0)
          m = b;
      bf t = all[a];
      all[a] = all[m], all[m] = t;
    }
    for (int a = 0; a < k; a++)
      for (int b = 0; b < k; b++)
        if (idx[(size_t)i * k + b] == all[a].i) {
          hit++;
          break;
        }
    if (nq >= n && q + 1 >= n)
      break;
  }
  free(all);
  return (double)hit / ((double)(nq < n ? nq : n) * k);
}

int main(int argc, char **argv) {
  int n = 10000, k = 15, D = 50, nq = 1000, c = 20, steps = 0;
  uint64_t seed = 1;
  const char *algo = "nnd";
  for (int a = 1; a + 1 < argc; a += 2) {
    if (!strcmp(argv[a], "-n"))
      n = atoi(argv[a + 1]);
    else if (!strcmp(argv[a], "-k"))
      k = atoi(argv[a + 1]);
    else if (!strcmp(argv[a], "-D"))
      D = atoi(argv[a + 1]);
    else if (!strcmp(argv[a], "-q"))
      nq = atoi(argv[a + 1]);
    else if (!strcmp(argv[a], "-c"))
      c = atoi(argv[a + 1]);
    else if (!strcmp(argv[a], "-s"))
      seed = strtoull(argv[a + 1], NULL, 10);
    else if (!strcmp(argv[a], "-a"))
      algo = argv[a + 1];
    else if (!strcmp(argv[a], "-t"))
      steps = atoi(argv[a + 1]);
    else {
      fprintf(stderr, "unknown option %s\n", argv[a]);
      return 2;
    }
  }
  if (n < 2 || k < 1 || k > n - 1 || D < 1 || c < 1 || nq < 1) {
    fprintf(stderr, "bad arguments\n");
    return 2;
  }
  double t0 = now();
  int d;
  float *X = make_data(n, D, c, seed, &d);
  if (!X) {
    fprintf(stderr, "out of memory\n");
    return 1;
  }
  printf("data n=%d D=%d -> d=%d clusters=%d (%.2f s)\n", n, D, d, c, now() - t0);
  int *idx = malloc(sizeof(int) * (size_t)n * k);
  float *d2 = malloc(sizeof(float) * (size_t)n * k);
  int both = !strcmp(algo, "both");
  if (both || !strcmp(algo, "exact")) {
    t0 = now();
    if (prj_knn_exact(X, n, d, k, idx, d2))
      return 1;
    double t = now() - t0;
    printf("exact  n=%d k=%d: %.3f s  recall %.4f  hash %016llx\n", n, k, t,
           recall(X, n, d, k, idx, nq, seed), (unsigned long long)hash(idx, d2, (size_t)n * k));
  }
  if (both || !strcmp(algo, "nnd")) {
    t0 = now();
    int chunks = 0;
    if (steps) { /* through the resumable interface, one chunk at a time */
      prj_nnd *st = prj_nnd_new(X, n, d, k, seed);
      int left = st ? 1 : -1;
      while (left > 0)
        left = prj_nnd_step(st), chunks++;
      if (left < 0 || prj_nnd_result(st, idx, d2))
        return 1;
      printf("  %d chunks of at most %d\n", chunks, prj_nnd_total(st));
      prj_nnd_free(st);
    } else if (prj_nndescent(X, n, d, k, seed, idx, d2)) {
      return 1;
    }
    double t = now() - t0;
    printf("nnd    n=%d k=%d: %.3f s  recall %.4f  hash %016llx%s\n", n, k, t,
           recall(X, n, d, k, idx, nq, seed), (unsigned long long)hash(idx, d2, (size_t)n * k),
           steps ? " (stepped)" : "");
  }
  free(X), free(idx), free(d2);
  return 0;
}
