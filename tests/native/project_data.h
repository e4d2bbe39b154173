/* project_data.h — synthetic data with known structure for the projection tests. */
#ifndef TEST_PROJECT_DATA_H
#define TEST_PROJECT_DATA_H

#include <stdlib.h>

#include "project/rng.h"

/* n points in d dimensions around c cluster centres drawn N(0, sep^2) per coordinate; each
 * point is its centre plus N(0, 1) noise. Labels i % c. Returns a malloc'd n x d array. */
static float *make_clusters(int n, int d, int c, double sep, uint64_t seed, int *labels) {
  float *X = malloc(sizeof(float) * (size_t)n * d);
  double *C = malloc(sizeof(double) * (size_t)c * d);
  prj_rng r;
  prj_rng_seed(&r, seed, 77);
  for (int i = 0; i < c * d; i++)
    C[i] = sep * prj_rng_normal(&r);
  for (int i = 0; i < n; i++) {
    int l = i % c;
    if (labels)
      labels[i] = l;
    for (int j = 0; j < d; j++)
      X[(size_t)i * d + j] = (float)(C[l * d + j] + prj_rng_normal(&r));
  }
  free(C);
  return X;
}

#endif
