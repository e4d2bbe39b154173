/* grid.c — see grid.h and sm_grid_assign in sonomap.h. */
#include "project/grid.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sonomap.h"

/* points normalised to [0, 1] per axis (a flat axis sits at 0.5) */
static float *normalise(const float *xy, int n, int stride) {
  float *p = malloc(sizeof(float) * 2 * (size_t)(n > 0 ? n : 1));
  if (!p)
    return NULL;
  for (int c = 0; c < 2; c++) {
    float lo = FLT_MAX, hi = -FLT_MAX;
    for (int i = 0; i < n; i++) {
      float v = xy[(size_t)i * stride + c];
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    for (int i = 0; i < n; i++)
      p[2 * i + c] = hi > lo ? (xy[(size_t)i * stride + c] - lo) / (hi - lo) : 0.5f;
  }
  return p;
}

static inline double cost(const float *p, int i, int j, int cols, int rows) {
  double cx = ((j % cols) + 0.5) / cols, cy = ((j / cols) + 0.5) / rows;
  double dx = p[2 * i] - cx, dy = p[2 * i + 1] - cy;
  return dx * dx + dy * dy;
}

double prj_grid_cost(const float *xy, int n, int stride, int cols, int rows, const int *cell) {
  float *p = normalise(xy, n, stride);
  if (!p)
    return NAN;
  double s = 0.0;
  for (int i = 0; i < n; i++)
    s += cost(p, i, cell[i], cols, rows);
  free(p);
  return s;
}

int prj_grid_exact(const float *xy, int n, int stride, int cols, int rows, int *cell) {
  int m = cols * rows;
  float *p = normalise(xy, n, stride);
  /* 1-based rows (points) 1..n, columns (cells) 1..m; way[] traces the augmenting path */
  double *u = calloc((size_t)n + 1, sizeof(double)), *v = calloc((size_t)m + 1, sizeof(double));
  double *minv = malloc(sizeof(double) * (m + 1));
  int *match = calloc((size_t)m + 1, sizeof(int)), *way = malloc(sizeof(int) * (m + 1));
  char *used = malloc((size_t)m + 1);
  int rc = -1;
  if (!p || !u || !v || !minv || !match || !way || !used)
    goto done;
  for (int i = 1; i <= n; i++) {
    match[0] = i;
    int j0 = 0;
    for (int j = 0; j <= m; j++)
      minv[j] = INFINITY, used[j] = 0;
    do {
      used[j0] = 1;
      int i0 = match[j0], j1 = 0;
      double delta = INFINITY;
      for (int j = 1; j <= m; j++) {
        if (used[j])
          continue;
        double cur = cost(p, i0 - 1, j - 1, cols, rows) - u[i0] - v[j];
        if (cur < minv[j])
          minv[j] = cur, way[j] = j0;
        if (minv[j] < delta)
          delta = minv[j], j1 = j;
      }
      for (int j = 0; j <= m; j++) {
        if (used[j])
          u[match[j]] += delta, v[j] -= delta;
        else
          minv[j] -= delta;
      }
      j0 = j1;
    } while (match[j0] != 0);
    do {
      int j1 = way[j0];
      match[j0] = match[j1];
      j0 = j1;
    } while (j0);
  }
  for (int j = 1; j <= m; j++)
    if (match[j])
      cell[match[j] - 1] = j - 1;
  rc = 0;
done:
  free(p), free(u), free(v), free(minv), free(match), free(way), free(used);
  return rc;
}

typedef struct {
  float key;
  int i;
} keyed;

static int cmp_keyed(const void *pa, const void *pb) {
  const keyed *a = pa, *b = pb;
  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  return a->i - b->i;
}

/* assign points ks[0..np) to the cells of the sub-grid (x0, y0, w, h); w * h >= np */
static void split(const float *p, keyed *ks, int np, int x0, int y0, int w, int h, int cols,
                  int rows, int *cell) {
  if (np == 0)
    return;
  if (w * h == 1) {
    cell[ks[0].i] = y0 * cols + x0;
    return;
  }
  /* split the side that is longer in normalised units */
  int along_x = (double)w / cols >= (double)h / rows ? (w > 1) : (h == 1);
  for (int a = 0; a < np; a++)
    ks[a].key = p[2 * ks[a].i + (along_x ? 0 : 1)];
  qsort(ks, np, sizeof(keyed), cmp_keyed);
  int w1 = along_x ? w / 2 : w, h1 = along_x ? h : h / 2;
  long A = (long)w1 * h1, B = (long)w * h - A;
  long m1 = lround((double)np * A / (A + B));
  if (m1 > A)
    m1 = A;
  if (m1 < np - B)
    m1 = np - B;
  split(p, ks, (int)m1, x0, y0, w1, h1, cols, rows, cell);
  if (along_x)
    split(p, ks + m1, np - (int)m1, x0 + w1, y0, w - w1, h, cols, rows, cell);
  else
    split(p, ks + m1, np - (int)m1, x0, y0 + h1, w, h - h1, cols, rows, cell);
}

int prj_grid_split(const float *xy, int n, int stride, int cols, int rows, int *cell) {
  float *p = normalise(xy, n, stride);
  keyed *ks = malloc(sizeof(keyed) * (size_t)(n > 0 ? n : 1));
  if (!p || !ks) {
    free(p), free(ks);
    return -1;
  }
  for (int i = 0; i < n; i++)
    ks[i].i = i;
  split(p, ks, n, 0, 0, cols, rows, cols, rows, cell);
  free(ks);
  /* polish: swap the occupants of adjacent cells (or move into an empty one) while it lowers
   * the cost; a few sweeps */
  int m = cols * rows, *occ = malloc(sizeof(int) * (size_t)m);
  if (occ) {
    for (int j = 0; j < m; j++)
      occ[j] = -1;
    for (int i = 0; i < n; i++)
      occ[cell[i]] = i;
    for (int sweep = 0; sweep < 16; sweep++) {
      long swaps = 0;
      for (int j = 0; j < m; j++)
        for (int dir = 0; dir < 2; dir++) {
          int k = dir == 0 ? ((j % cols) + 1 < cols ? j + 1 : -1) : (j + cols < m ? j + cols : -1);
          if (k < 0 || (occ[j] < 0 && occ[k] < 0))
            continue;
          int a = occ[j], b = occ[k];
          double now =
              (a >= 0 ? cost(p, a, j, cols, rows) : 0) + (b >= 0 ? cost(p, b, k, cols, rows) : 0);
          double then =
              (a >= 0 ? cost(p, a, k, cols, rows) : 0) + (b >= 0 ? cost(p, b, j, cols, rows) : 0);
          if (then < now - 1e-12) {
            occ[j] = b, occ[k] = a;
            if (a >= 0)
              cell[a] = k;
            if (b >= 0)
              cell[b] = j;
            swaps++;
          }
        }
      if (!swaps)
        break;
    }
    free(occ);
  }
  free(p);
  return 0;
}

int sm_grid_assign(const float *xy, int n, int stride, int cols, int rows, int *cell, char *err,
                   size_t errlen) {
  char dummy[8];
  if (!err || errlen == 0)
    err = dummy, errlen = sizeof dummy;
  if (n < 0 || !cell || (n > 0 && !xy) || stride < 2) {
    snprintf(err, errlen, "grid: bad arguments");
    return -1;
  }
  if (cols < 1 || rows < 1 || (long long)cols * rows < n || (long long)cols * rows > 1 << 28) {
    snprintf(err, errlen, "grid: %d x %d cells cannot hold %d points", cols, rows, n);
    return -1;
  }
  for (int i = 0; i < n; i++)
    if (!isfinite(xy[(size_t)i * stride]) || !isfinite(xy[(size_t)i * stride + 1])) {
      snprintf(err, errlen, "grid: point %d is not finite", i);
      return -1;
    }
  int exact = n <= SM_GRID_EXACT_MAX && (long long)cols * rows <= 2LL * SM_GRID_EXACT_MAX;
  int rc = exact ? prj_grid_exact(xy, n, stride, cols, rows, cell)
                 : prj_grid_split(xy, n, stride, cols, rows, cell);
  if (rc)
    snprintf(err, errlen, "grid: out of memory (%d points)", n);
  return rc;
}
