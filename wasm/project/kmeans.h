/* kmeans.h — k-means (Lloyd) and spherical k-means (cosine: rows and centroids on the unit
 * sphere), k-means++ initialisation from a seeded stream. */
#ifndef PRJ_KMEANS_H
#define PRJ_KMEANS_H

#include <stdint.h>

/* X: n x d. labels: n (0..k-1). centroids: k x d or NULL. k is lowered to n. An empty cluster
 * takes the point farthest from its centroid. inertia (or NULL): the sum of squared distances
 * to the centroids (on the unit sphere when spherical). Returns the Lloyd iterations run, or -1
 * when out of memory or the shape is bad. */
int prj_kmeans(const float *X, int n, int d, int k, int spherical, uint64_t seed, int max_iter,
               int *labels, float *centroids, double *inertia);

#endif
