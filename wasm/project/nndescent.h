/* nndescent.h — approximate k nearest neighbours (Dong, Moses & Li 2011, NN-descent), started
 * from the leaves of a forest of random-projection trees, as PyNNDescent does. Seeded and
 * sequential, so the graph is reproducible (native and wasm alike). Same output contract as
 * prj_knn_exact.
 *
 * Resumable: prj_nnd_new sets the search up, each prj_nnd_step does one bounded chunk of work
 * (one tree, or a slice of one descent iteration) so a worker can report progress between
 * chunks, and prj_nnd_result gives the graph. Stepping and prj_nndescent give the same graph. */
#ifndef PRJ_NNDESCENT_H
#define PRJ_NNDESCENT_H

#include <stdint.h>

typedef struct prj_nnd prj_nnd;

/* Set up a search over X (n x d, kept by reference until prj_nnd_free). n >= 2,
 * 1 <= k <= n - 1. NULL when the arguments are out of range or memory runs out. */
prj_nnd *prj_nnd_new(const float *X, int n, int d, int k, uint64_t seed);
/* Do one chunk. Returns the chunks still to do at most (0: done), or -1 when out of memory.
 * Convergence can end the search early, so the count may drop by more than one. */
int prj_nnd_step(prj_nnd *s);
/* The number of chunks a search does at most (for a progress bar: done = total - left). */
int prj_nnd_total(const prj_nnd *s);
/* idx, d2: n x k, ascending (distance, index), self excluded; finishes any chunks left.
 * Returns 0, or -1 when out of memory. */
int prj_nnd_result(prj_nnd *s, int *idx, float *d2);
void prj_nnd_free(prj_nnd *s);

/* One-shot: new + steps + result + free. Returns 0, or -1 (bad arguments, out of memory). */
int prj_nndescent(const float *X, int n, int d, int k, uint64_t seed, int *idx, float *d2);

#endif
