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

/* The exact solver: Jonker-Volgenant (1987) on the square problem padded with m - n dummy points
 * that cost nothing in any cell: column reduction, reduction transfer, two rounds of augmenting
 * row reduction, then shortest augmenting paths (Dijkstra on reduced costs) for the rows still
 * free. Costs are computed on the fly (no m x m matrix). */
typedef struct {
  const float *p;
  const double *cx, *cy;
  int n;
} jv_cost;

static inline double jv_c(const jv_cost *c, int i, int j) {
  if (i >= c->n)
    return 0.0;
  double dx = c->p[2 * i] - c->cx[j], dy = c->p[2 * i + 1] - c->cy[j];
  return dx * dx + dy * dy;
}

int prj_grid_exact(const float *xy, int n, int stride, int cols, int rows, int *cell) {
  const int m = cols * rows;
  float *p = normalise(xy, n, stride);
  double *cx = malloc(sizeof(double) * (size_t)m), *cy = malloc(sizeof(double) * (size_t)m);
  double *v = malloc(sizeof(double) * (size_t)m), *d = malloc(sizeof(double) * (size_t)m);
  int *x = malloc(sizeof(int) * (size_t)m), *y = malloc(sizeof(int) * (size_t)m);
  int *freer = malloc(sizeof(int) * (size_t)m), *col = malloc(sizeof(int) * (size_t)m);
  int *pred = malloc(sizeof(int) * (size_t)m), *matches = calloc((size_t)m, sizeof(int));
  int rc = -1;
  if (!p || !cx || !cy || !v || !d || !x || !y || !freer || !col || !pred || !matches)
    goto done;
  for (int j = 0; j < m; j++)
    cx[j] = ((j % cols) + 0.5) / cols, cy[j] = ((j / cols) + 0.5) / rows;
  const jv_cost C = {p, cx, cy, n};
  for (int i = 0; i < m; i++)
    x[i] = -1;
  /* column reduction */
  for (int j = m - 1; j >= 0; j--) {
    double mn = jv_c(&C, 0, j);
    int imin = 0;
    for (int i = 1; i < m; i++) {
      double h = jv_c(&C, i, j);
      if (h < mn)
        mn = h, imin = i;
      if (mn == 0.0 && i >= n) /* a dummy row: nothing is cheaper */
        break;
    }
    v[j] = mn;
    if (++matches[imin] == 1)
      x[imin] = j, y[j] = imin;
    else
      y[j] = -1;
  }
  /* reduction transfer */
  int nfree = 0;
  for (int i = 0; i < m; i++) {
    if (matches[i] == 0) {
      freer[nfree++] = i;
    } else if (matches[i] == 1) {
      int j1 = x[i];
      double mn = INFINITY;
      for (int j = 0; j < m; j++)
        if (j != j1) {
          double h = jv_c(&C, i, j) - v[j];
          mn = h < mn ? h : mn;
        }
      if (isfinite(mn))
        v[j1] -= mn;
    } /* a row several columns chose keeps the first; those columns stay free (y = -1) */
  }
  /* augmenting row reduction, twice */
  for (int round = 0; round < 2; round++) {
    int k = 0, prev = nfree;
    nfree = 0;
    long guard = 0, guard_max = (long)prev + 4 * (long)m; /* eviction chains can crawl on near-ties */
    while (k < prev && guard++ < guard_max) {
      int i = freer[k++];
      double umin = jv_c(&C, i, 0) - v[0], usub = INFINITY;
      int j1 = 0, j2 = -1;
      for (int j = 1; j < m; j++) {
        double h = jv_c(&C, i, j) - v[j];
        if (h < usub) {
          if (h >= umin)
            usub = h, j2 = j;
          else
            usub = umin, umin = h, j2 = j1, j1 = j;
        }
      }
      int i0 = y[j1];
      if (umin < usub)
        v[j1] -= usub - umin;
      else if (i0 >= 0 && j2 >= 0)
        j1 = j2, i0 = y[j2];
      x[i] = j1, y[j1] = i;
      if (i0 >= 0 && i0 != i) {
        x[i0] = -1;
        if (umin < usub)
          freer[--k] = i0;
        else
          freer[nfree++] = i0;
      }
    }
    while (k < prev) /* only if the guard stopped the round */
      freer[nfree++] = freer[k++];
  }
  /* shortest augmenting paths for the rows still free */
  for (int f = 0; f < nfree; f++) {
    int fr = freer[f];
    if (x[fr] >= 0)
      continue;
    for (int j = 0; j < m; j++)
      d[j] = jv_c(&C, fr, j) - v[j], pred[j] = fr, col[j] = j;
    int low = 0, up = 0, last = 0, end = -1;
    double mn = 0.0;
    while (end < 0) {
      if (up == low) { /* the columns at the new minimum distance */
        last = low - 1;
        mn = d[col[up++]];
        for (int k = up; k < m; k++) {
          int j = col[k];
          double h = d[j];
          if (h <= mn) {
            if (h < mn)
              up = low, mn = h;
            col[k] = col[up], col[up++] = j;
          }
        }
        for (int k = low; k < up; k++)
          if (y[col[k]] < 0) {
            end = col[k];
            break;
          }
      }
      if (end >= 0)
        break;
      int j1 = col[low++], i = y[j1];
      double h = jv_c(&C, i, j1) - v[j1] - mn;
      for (int k = up; k < m; k++) {
        int j = col[k];
        double v2 = jv_c(&C, i, j) - v[j] - h;
        if (v2 < d[j]) {
          pred[j] = i;
          if (v2 == mn) {
            if (y[j] < 0) {
              end = j;
              break;
            }
            col[k] = col[up], col[up++] = j;
          }
          d[j] = v2;
        }
      }
    }
    for (int k = 0; k <= last; k++) {
      int j1 = col[k];
      v[j1] += d[j1] - mn;
    }
    for (;;) {
      int i = pred[end], j1 = end;
      y[end] = i;
      end = x[i];
      x[i] = j1;
      if (i == fr)
        break;
    }
  }
  for (int i = 0; i < n; i++)
    cell[i] = x[i];
  rc = 0;
done:
  free(p), free(cx), free(cy), free(v), free(d), free(x), free(y), free(freer), free(col);
  free(pred), free(matches);
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
