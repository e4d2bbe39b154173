/* knn.h — k nearest neighbours of every row (exact, blocked) and the top-k heap they share
 * with the approximate search (nndescent.h). Distances are squared euclidean; cosine is
 * euclidean on L2-normalised rows (|a - b|^2 = 2 - 2 cos). */
#ifndef PRJ_KNN_H
#define PRJ_KNN_H

/* idx, d2: n x k, row i = the k nearest other rows of row i, ascending by (distance, index).
 * Requires n >= 2 and 1 <= k <= n - 1. Returns 0, or -1 when out of memory. */
int prj_knn_exact(const float *X, int n, int d, int k, int *idx, float *d2);

/* A bounded max-heap of (distance, index) pairs: the worst kept pair is at the root. */
static inline int prj_heap_worse(float da, int ia, float db, int ib) {
  return da > db || (da == db && ia > ib);
}
/* Offer (dist, id) to a heap holding *cnt of at most k pairs; returns 1 when it was kept. */
int prj_heap_push(float *hd, int *hi, int *cnt, int k, float dist, int id);
/* Sort a full heap ascending in place (destroys the heap order). */
void prj_heap_sort(float *hd, int *hi, int cnt);

#endif
