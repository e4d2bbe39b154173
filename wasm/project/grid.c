/* grid.c — see grid.h and sm_grid_assign in sonomap.h. */
#include "project/grid.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sonomap.h"

/* points normalised to [0, 1] per axis (a flat axis sits at 0.5) */
static float *normalize(const float *xy, int n, int stride) {
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
  double cx = ((j % cols) + 0.5) / cols, cy = ((j / cols) + 0.5) / rows; /* as cell_center */
  double dx = p[2 * i] - cx, dy = p[2 * i + 1] - cy;
  return dx * dx + dy * dy;
}

double prj_grid_cost(const float *xy, int n, int stride, int cols, int rows, const int *cell) {
  float *p = normalize(xy, n, stride);
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
 * free. Costs are computed on the fly (no m x m matrix). The solver works on n compact points
 * q[2 * i], q[2 * i + 1] and m arbitrary cell centres (cx, cy), so the whole grid and the leaves
 * and windows of the approximation share it. */
typedef struct {
  const float *p;
  const double *cx, *cy, *a; /* a: the n x m costs when precomputed, else NULL */
  int n, m;
} jv_cost;

static inline double jv_c(const jv_cost *c, int i, int j) {
  if (i >= c->n)
    return 0.0;
  if (c->a)
    return c->a[(size_t)i * c->m + j];
  double dx = c->p[2 * i] - c->cx[j], dy = c->p[2 * i + 1] - c->cy[j];
  return dx * dx + dy * dy;
}

/* workspace for problems of up to cap cells; cx, cy are the caller's to fill */
typedef struct {
  int cap;
  size_t acap; /* entries of a */
  double *cx, *cy, *v, *d, *a;
  int *x, *y, *freer, *col, *pred, *matches;
} jv_work;

static void jv_free(jv_work *w) {
  free(w->cx), free(w->cy), free(w->v), free(w->d), free(w->x), free(w->y), free(w->freer);
  free(w->col), free(w->pred), free(w->matches), free(w->a);
}

/* the cost matrix is kept when it has at most JV_MATRIX_MAX entries (else costs on the fly) */
#define JV_MATRIX_MAX ((size_t)1 << 21)

static int jv_alloc(jv_work *w, int cap, size_t acap) {
  size_t c = (size_t)(cap > 0 ? cap : 1);
  w->cap = cap;
  w->acap = acap <= JV_MATRIX_MAX ? acap : 0;
  w->a = w->acap ? malloc(sizeof(double) * w->acap) : NULL;
  if (w->acap && !w->a)
    w->acap = 0; /* on the fly */
  w->cx = malloc(sizeof(double) * c), w->cy = malloc(sizeof(double) * c);
  w->v = malloc(sizeof(double) * c), w->d = malloc(sizeof(double) * c);
  w->x = malloc(sizeof(int) * c), w->y = malloc(sizeof(int) * c);
  w->freer = malloc(sizeof(int) * c), w->col = malloc(sizeof(int) * c);
  w->pred = malloc(sizeof(int) * c), w->matches = malloc(sizeof(int) * c);
  if (!w->cx || !w->cy || !w->v || !w->d || !w->x || !w->y || !w->freer || !w->col || !w->pred ||
      !w->matches) {
    jv_free(w);
    return -1;
  }
  return 0;
}

/* n points q onto the m cells w->cx, w->cy (n <= m <= w->cap): out[i] = the cell index (0..m) */
static void jv_solve(jv_work *w, const float *q, int n, int m, int *out) {
  double *v = w->v, *d = w->d;
  int *x = w->x, *y = w->y, *freer = w->freer, *col = w->col, *pred = w->pred;
  int *matches = w->matches;
  if (m <= 0)
    return;
  double *a = (size_t)n * m <= w->acap ? w->a : NULL;
  jv_cost C = {q, w->cx, w->cy, NULL, n, m};
  if (a) {
    for (int i = 0; i < n; i++)
      for (int j = 0; j < m; j++)
        a[(size_t)i * m + j] = jv_c(&C, i, j);
    C.a = a; /* the same values, read back */
  }
  for (int j = 0; j < m; j++)
    matches[j] = 0;
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
    long guard = 0,
         guard_max = (long)prev + 4 * (long)m; /* eviction chains can crawl on near-ties */
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
    out[i] = x[i];
}

static void cell_center(int j, int cols, int rows, double *cx, double *cy) {
  *cx = ((j % cols) + 0.5) / cols, *cy = ((j / cols) + 0.5) / rows;
}

int prj_grid_exact(const float *xy, int n, int stride, int cols, int rows, int *cell) {
  const int m = cols * rows;
  float *p = normalize(xy, n, stride);
  jv_work w;
  if (!p || jv_alloc(&w, m, (size_t)n * m)) {
    free(p);
    return -1;
  }
  for (int j = 0; j < m; j++)
    cell_center(j, cols, rows, &w.cx[j], &w.cy[j]);
  jv_solve(&w, p, n, m, cell);
  jv_free(&w);
  free(p);
  return 0;
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

/* the approximation's state: normalised points, the grid, the leaf size, a JV workspace for
 * leaves and windows and its compact point buffer */
typedef struct {
  const float *p;
  int cols, rows, leaf;
  jv_work w;
  float *q;
  int *cells, *out, *pts;
} split_ctx;

/* solve the points pts[0..np) exactly on the cells cells[0..m) (np <= m <= the workspace) */
static void solve_cells(split_ctx *s, const int *pts, int np, int m, int *cell) {
  for (int k = 0; k < m; k++)
    cell_center(s->cells[k], s->cols, s->rows, &s->w.cx[k], &s->w.cy[k]);
  for (int a = 0; a < np; a++)
    s->q[2 * a] = s->p[2 * pts[a]], s->q[2 * a + 1] = s->p[2 * pts[a] + 1];
  jv_solve(&s->w, s->q, np, m, s->out);
  for (int a = 0; a < np; a++)
    cell[pts[a]] = s->cells[s->out[a]];
}

/* assign points ks[0..np) to the cells of the sub-grid (x0, y0, w, h); w * h >= np. Down to
 * single cells (leaf <= 1), or to sub-grids of at most leaf cells solved exactly. */
static void split(split_ctx *s, keyed *ks, int np, int x0, int y0, int w, int h, int *cell) {
  const int cols = s->cols, rows = s->rows;
  if (np == 0)
    return;
  if (w * h == 1) {
    cell[ks[0].i] = y0 * cols + x0;
    return;
  }
  if (w * h <= s->leaf) {
    int m = 0;
    for (int r = y0; r < y0 + h; r++)
      for (int c = x0; c < x0 + w; c++)
        s->cells[m++] = r * cols + c;
    for (int a = 0; a < np; a++)
      s->pts[a] = ks[a].i;
    solve_cells(s, s->pts, np, m, cell);
    return;
  }
  /* split the side that is longer in normalised units */
  int along_x = (double)w / cols >= (double)h / rows ? (w > 1) : (h == 1);
  for (int a = 0; a < np; a++)
    ks[a].key = s->p[2 * ks[a].i + (along_x ? 0 : 1)];
  qsort(ks, np, sizeof(keyed), cmp_keyed);
  int w1 = along_x ? w / 2 : w, h1 = along_x ? h : h / 2;
  long A = (long)w1 * h1, B = (long)w * h - A;
  long m1 = lround((double)np * A / (A + B));
  if (m1 > A)
    m1 = A;
  if (m1 < np - B)
    m1 = np - B;
  split(s, ks, (int)m1, x0, y0, w1, h1, cell);
  if (along_x)
    split(s, ks + m1, np - (int)m1, x0 + w1, y0, w - w1, h, cell);
  else
    split(s, ks + m1, np - (int)m1, x0, y0 + h1, w, h - h1, cell);
}

/* re-solve exactly the occupants of windows of ww x wh cells taken every st-th row and column
 * (st 1: contiguous; larger: moves over st cells at once), tiling the grid from offset (ox, oy):
 * never raises the cost (the current assignment is feasible in each window) */
static void windows(split_ctx *s, int *occ, int ww, int wh, int st, int ox, int oy, int *cell) {
  const int cols = s->cols, rows = s->rows, sw = st * ww, sh = st * wh;
  for (int y0 = oy > 0 ? oy - sh : 0; y0 < rows; y0 += sh)
    for (int x0 = ox > 0 ? ox - sw : 0; x0 < cols; x0 += sw)
      for (int by = 0; by < st; by++)
        for (int bx = 0; bx < st; bx++) {
          int m = 0, np = 0;
          for (int r = y0 + by; r < y0 + sh && r < rows; r += st)
            for (int c = x0 + bx; c < x0 + sw && c < cols; c += st) {
              if (r < 0 || c < 0)
                continue;
              int j = r * cols + c;
              s->cells[m++] = j;
              if (occ[j] >= 0)
                s->pts[np++] = occ[j];
            }
          if (np < 2)
            continue;
          for (int k = 0; k < m; k++)
            occ[s->cells[k]] = -1;
          solve_cells(s, s->pts, np, m, cell);
          for (int a = 0; a < np; a++)
            occ[cell[s->pts[a]]] = s->pts[a];
        }
}

/* swap the occupants of adjacent cells (or move into an empty one) while it lowers the cost */
static void polish(const float *p, int cols, int rows, int *occ, int *cell, int sweeps) {
  const int m = cols * rows;
  for (int sweep = 0; sweep < sweeps; sweep++) {
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
}

/* a window of about `cells` cells, square in cells, no larger than the grid */
static void window_size(int cells, int cols, int rows, int *ww, int *wh) {
  int w = 1;
  while ((w + 1) * (w + 1) <= cells)
    w++;
  if (w > cols)
    w = cols;
  int h = cells / w;
  if (h > rows)
    h = rows;
  if (w < cols && cells / h > w) /* a flat grid: widen to about `cells` cells */
    w = cells / h < cols ? cells / h : cols;
  *ww = w, *wh = h;
}

int prj_grid_split_leaf(const float *xy, int n, int stride, int cols, int rows, int leaf,
                        int cycles, int *cell) {
  const int m = cols * rows;
  if (leaf < 1)
    leaf = 1;
  if (leaf > m)
    leaf = m;
  /* windows: about leaf cells (strided), about PRJ_GRID_FINE * leaf (contiguous) */
  int ww, wh, fw, fh;
  window_size(leaf, cols, rows, &ww, &wh);
  window_size(leaf * PRJ_GRID_FINE, cols, rows, &fw, &fh);
  if (ww * wh < 2 || cols == 1 || rows == 1)
    cycles = 0; /* on a line the split already sorts the points, and the leaves are exact */
  int cap = leaf > fw * fh ? leaf : fw * fh;
  split_ctx s = {0};
  s.cols = cols, s.rows = rows, s.leaf = leaf;
  float *p = normalize(xy, n, stride);
  keyed *ks = malloc(sizeof(keyed) * (size_t)(n > 0 ? n : 1));
  int *occ = malloc(sizeof(int) * (size_t)m);
  s.q = malloc(sizeof(float) * 2 * (size_t)cap);
  s.cells = malloc(sizeof(int) * (size_t)cap), s.out = malloc(sizeof(int) * (size_t)cap);
  s.pts = malloc(sizeof(int) * (size_t)cap);
  int rc = -1, have_w = 0;
  if (!p || !ks || !occ || !s.q || !s.cells || !s.out || !s.pts)
    goto done;
  if (leaf > 1 || cycles > 0) {
    if (jv_alloc(&s.w, cap, (size_t)cap * cap))
      goto done;
    have_w = 1;
  }
  s.p = p;
  for (int i = 0; i < n; i++)
    ks[i].i = i;
  split(&s, ks, n, 0, 0, cols, rows, cell);
  for (int j = 0; j < m; j++)
    occ[j] = -1;
  for (int i = 0; i < n; i++)
    occ[cell[i]] = i;
  /* cycles of window re-solves, coarse to fine: windows of cells every st-th row and column
   * for st = the largest power of two whose windows span no more than the grid, down to
   * contiguous windows; the cycles start at different offsets (half a window, a quarter, half
   * across only, half down only), none on the leaf borders */
  int top = 1;
  while (2 * top * ww <= cols || 2 * top * wh <= rows)
    top *= 2;
  for (int cycle = 0; cycle < cycles; cycle++)
    for (int st = top; st >= 1; st /= 2)
      for (int k = 0; k < (st > 1 ? 1 : 4); k++) { /* contiguous: four offsets */
        int t = (cycle + k) % 4, w = st > 1 ? ww : fw, h = st > 1 ? wh : fh;
        int ox = t == 0 || t == 2 ? w / 2 : 0, oy = t == 0 || t == 3 ? h / 2 : 0;
        if (t == 1)
          ox = w / 4, oy = h / 4;
        windows(&s, occ, w, h, st, ox * st, oy * st, cell);
      }
  polish(p, cols, rows, occ, cell, 16);
  rc = 0;
done:
  if (have_w)
    jv_free(&s.w);
  free(p), free(ks), free(occ), free(s.q), free(s.cells), free(s.out), free(s.pts);
  return rc;
}

int prj_grid_split(const float *xy, int n, int stride, int cols, int rows, int *cell) {
  int cycles = PRJ_GRID_WORK / (n > 0 ? n : 1);
  cycles = cycles < 1 ? 1 : cycles > PRJ_GRID_CYCLES_MAX ? PRJ_GRID_CYCLES_MAX : cycles;
  return prj_grid_split_leaf(xy, n, stride, cols, rows, PRJ_GRID_LEAF, cycles, cell);
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
