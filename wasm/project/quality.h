/* quality.h — figures of merit of a layout: trustworthiness and continuity at k (Venna &
 * Kaski 2001, as scikit-learn's trustworthiness) and 1-NN label accuracy in the layout. */
#ifndef PRJ_QUALITY_H
#define PRJ_QUALITY_H

#include <stdint.h>

/* X: n x dx (the data the layout stands for), Y: n x dy (the layout), euclidean. queries: how
 * many points (sampled with `seed`) the sums run over; <= 0 or >= n means all of them. k is
 * lowered when n is too small for it (2n - 3k - 1 > 0); with n < 3 both figures are 1.
 * Cost: queries x n x (dx + dy + a few k). Returns 0, or -1 when out of memory. */
int prj_quality_tc(const float *X, int n, int dx, const float *Y, int dy, int k, int queries,
                   uint64_t seed, double *trust, double *cont);

/* Fraction of labelled points (label >= 0) whose nearest other labelled point in Y carries the
 * same label; queries as above. NaN when fewer than two points are labelled. */
double prj_label_accuracy(const float *Y, int n, int dy, const int *labels, int queries,
                          uint64_t seed);

#endif
