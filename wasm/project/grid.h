/* grid.h — assignment of a 2-D cloud to the cells of a grid (sm_grid_assign in sonomap.h).
 * Exact: the minimum total squared distance between the normalised points and the cell
 * centres, by Jonker-Volgenant (column reduction, reduction transfer, augmenting row reduction,
 * shortest augmenting paths) on the problem padded square with zero-cost dummy points. Beyond SM_GRID_EXACT_MAX points: a recursive
 * balanced split of the grid along its longer side, points sorted along that axis. */
#ifndef PRJ_GRID_H
#define PRJ_GRID_H

/* cost of an assignment: sum of squared distances of normalised points to their cell centres */
double prj_grid_cost(const float *xy, int n, int stride, int cols, int rows, const int *cell);
/* the exact solver on its own (any n); 0, or -1 when out of memory */
int prj_grid_exact(const float *xy, int n, int stride, int cols, int rows, int *cell);
/* the approximation on its own; 0, or -1 when out of memory */
int prj_grid_split(const float *xy, int n, int stride, int cols, int rows, int *cell);

#endif
