/* grid.h — assignment of a 2-D cloud to the cells of a grid (sm_grid_assign in sonomap.h).
 * Exact: the minimum total squared distance between the normalised points and the cell
 * centres, by Jonker-Volgenant (column reduction, reduction transfer, augmenting row reduction,
 * shortest augmenting paths) on the problem padded square with zero-cost dummy points.
 * Beyond SM_GRID_EXACT_MAX points, a hybrid: a recursive balanced split of the grid along its
 * longer side (points sorted along that axis) down to sub-grids of at most PRJ_GRID_LEAF cells,
 * each solved exactly by the same JV solver with the points sent there; then a few cycles of
 * exact re-solves of the occupants of windows of about PRJ_GRID_LEAF cells (each never raises
 * the cost), coarse to fine: windows of cells taken every st-th row and column (st = 2^k, the
 * largest spanning about the grid, down to 2) move points far at once, then contiguous windows
 * twice as large at four offsets straddle the leaf borders; last, swaps of adjacent cells. Only + -
 * * / and comparisons and index-broken ties: the same cells natively and in wasm. */
#ifndef PRJ_GRID_H
#define PRJ_GRID_H

/* chosen by measurement (UMAP-like blobs and uniform clouds, 2k-20k points): small leaves and
 * multi-scale window cycles beat large leaves at equal time. Cycles: PRJ_GRID_WORK / n, at least
 * 1 and at most PRJ_GRID_CYCLES_MAX (one cycle at 20k points, about 1 s natively) */
#define PRJ_GRID_LEAF 32
#define PRJ_GRID_WORK 20000
#define PRJ_GRID_CYCLES_MAX 4
/* the contiguous windows have about PRJ_GRID_FINE * PRJ_GRID_LEAF cells */
#define PRJ_GRID_FINE 2

/* cost of an assignment: sum of squared distances of normalised points to their cell centres */
double prj_grid_cost(const float *xy, int n, int stride, int cols, int rows, const int *cell);
/* the exact solver on its own (any n); 0, or -1 when out of memory */
int prj_grid_exact(const float *xy, int n, int stride, int cols, int rows, int *cell);
/* the approximation on its own (the parameters above); 0, or -1 when out of memory */
int prj_grid_split(const float *xy, int n, int stride, int cols, int rows, int *cell);
/* the approximation with leaves of at most `leaf` cells and `cycles` cycles of windows; leaf 1
 * and no cycles is the pure split (single cells, then the swaps) */
int prj_grid_split_leaf(const float *xy, int n, int stride, int cols, int rows, int leaf,
                        int cycles, int *cell);

#endif
