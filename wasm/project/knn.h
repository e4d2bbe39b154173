/* knn.h — k nearest neighbours of every row (exact, blocked) and the top-k heap they share
 * with the approximate search (nndescent.h). Distances are squared euclidean; cosine is
 * euclidean on L2-normalised rows (|a - b|^2 = 2 - 2 cos). */
#ifndef PRJ_KNN_H
#define PRJ_KNN_H

/* idx, d2: n x k, row i = the k nearest other rows of row i, ascending by (distance, index).
 * Requires n >= 2 and 1 <= k <= n - 1. Returns 0, or -1 when out of memory. */
int prj_knn_exact(const float *X, int n, int d, int k, int *idx, float *d2);

/* The rows new queries are searched among (prj_knn_query): kept transposed in blocks with
 * their squared norms, built once for many query blocks. X is borrowed, not copied. */
typedef struct prj_knn_ref {
  const float *X;
  int n, d;
  float *xt, *nrm;
} prj_knn_ref;
/* 0, or -1 when out of memory (n >= 1, d >= 1). */
int prj_knn_ref_init(prj_knn_ref *r, const float *X, int n, int d);
void prj_knn_ref_free(prj_knn_ref *r);
/* idx, d2: nq x k, row q = the k nearest reference rows of query row q (Q: nq x d), ascending
 * by (distance, index), exact as prj_knn_exact. 1 <= k <= r->n. 0, or -1 when out of memory. */
int prj_knn_query(const prj_knn_ref *r, const float *Q, int nq, int k, int *idx, float *d2);

/* A bounded max-heap of (distance, index) pairs: the worst kept pair is at the root. */
static inline int prj_heap_worse(float da, int ia, float db, int ib) {
  return da > db || (da == db && ia > ib);
}
/* Offer (dist, id) to a heap holding *cnt of at most k pairs; returns 1 when it was kept. */
int prj_heap_push(float *hd, int *hi, int *cnt, int k, float dist, int id);
/* Sort a full heap ascending in place (destroys the heap order). */
void prj_heap_sort(float *hd, int *hi, int cnt);

#endif
