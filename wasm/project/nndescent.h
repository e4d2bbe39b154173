/* nndescent.h — approximate k nearest neighbours (Dong, Moses & Li 2011, NN-descent), started
 * from the leaves of a forest of random-projection trees, as PyNNDescent does. Seeded and
 * sequential, so the graph is reproducible. Same output contract as prj_knn_exact. */
#ifndef PRJ_NNDESCENT_H
#define PRJ_NNDESCENT_H

#include <stdint.h>

/* idx, d2: n x k, ascending squared euclidean distances, self excluded. n >= 2,
 * 1 <= k <= n - 1. Returns 0, or -1 when out of memory. */
int prj_nndescent(const float *X, int n, int d, int k, uint64_t seed, int *idx, float *d2);

#endif
