/* transform.h — new rows placed in a fitted layout without moving it, as umap-learn's
 * transform does: the k nearest fitted rows of each new row (exact), their fuzzy membership
 * strengths (UMAP's smooth kNN), the start at the strength-weighted mean of their positions,
 * then a few epochs of SGD that move only the new point: attraction to its neighbours on the
 * epochs-per-sample schedule, negative samples drawn from the fitted rows, learning rate
 * 1/4 decaying linearly. Each row has its own seeded stream (seed, row number), so rows
 * placed in blocks of any size land where they land placed one by one. */
#ifndef PRJ_TRANSFORM_H
#define PRJ_TRANSFORM_H

#include <stdint.h>

#include "project/knn.h"

typedef struct prj_place_ctx {
  const prj_knn_ref *ref; /* the fitted rows (features), ns x df */
  const float *Y;         /* ns x dims, their layout */
  int dims;
  int k;            /* neighbours per new row, 1..ns */
  int sqrt_dist;    /* 1: strengths from sqrt of the squared distances; 0: from half of them
                       (cosine on unit rows, as the fit) */
  double a, b;      /* the output kernel 1 / (1 + a d^2b) */
  int epochs;       /* refinement epochs, 0: the weighted mean only */
  double mean_dist; /* mean neighbour distance of the fit (floor of sigma) */
  uint64_t seed;
} prj_place_ctx;

/* out (n x dims): the places of the n new rows F (n x df, in the fitted rows' feature space);
 * first: the number of row 0 among all rows placed (seeds each row's stream). Rows holding
 * NaN / Inf get NaN. Returns 0, or -1 when out of memory. */
int prj_place(const prj_place_ctx *c, const float *F, int n, int64_t first, float *out);

#endif
