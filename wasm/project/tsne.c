/* tsne.c — Barnes-Hut t-SNE, see tsne.h. */
#include "project/tsne.h"

#include "project/tsne_fft.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define EXAG 12.0
#define EXAG_ITERS 250
#define MAX_DEPTH 20
#define MIN_GAIN 0.01f

typedef struct {
  float c[3], half, com[3];
  int count, start, first, nchild, depth;
} node;

struct prj_tsne {
  int n, dims, n_iter, iter;
  double theta, lr;
  float *Y, *upd, *gains, *grad, *neg;
  long *rowptr;
  int *col;
  float *val;
  node *nodes;
  long cap;
  int *perm, *tmp, *copy;
  int method;        /* PRJ_TSNE_AUTO, _BH or _FFT */
  prj_tsne_fft *fft; /* made on the first FFT iteration */
};

typedef struct {
  uint64_t key;
  float v;
} pentry;

static int cmp_pentry(const void *pa, const void *pb) {
  const pentry *a = pa, *b = pb;
  return a->key < b->key ? -1 : (a->key > b->key ? 1 : 0);
}

/* conditional p_{j|i} for one point by binary search on the precision beta */
static void cond_p(const float *D, int k, double perplexity, float *p) {
  double target = log(perplexity), beta = 1.0, lo = -INFINITY, hi = INFINITY;
  double d0 = D[0];
  double *w = malloc(sizeof(double) * k);
  if (!w) { /* uniform rather than fail: k is small */
    for (int j = 0; j < k; j++)
      p[j] = 1.0f / k;
    return;
  }
  for (int it = 0; it < 200; it++) {
    double s = 0.0, sd = 0.0;
    for (int j = 0; j < k; j++) {
      w[j] = exp(-beta * (D[j] - d0));
      s += w[j];
      sd += (D[j] - d0) * w[j];
    }
    double H = log(s) + beta * sd / s;
    if (fabs(H - target) < 1e-5)
      break;
    if (H > target) {
      lo = beta;
      beta = isinf(hi) ? beta * 2.0 : (beta + hi) / 2.0;
    } else {
      hi = beta;
      beta = isinf(lo) ? beta / 2.0 : (beta + lo) / 2.0;
    }
  }
  double s = 0.0;
  for (int j = 0; j < k; j++)
    s += (w[j] = exp(-beta * (D[j] - d0)));
  for (int j = 0; j < k; j++)
    p[j] = (float)(w[j] / s);
  free(w);
}

prj_tsne *prj_tsne_new(const int *knn_idx, const float *knn_d, int n, int k, double perplexity,
                       const float *init, int dims, int n_iter, double theta, char *err,
                       size_t errlen) {
  if (n < 2 || k < 1 || k > n - 1 || dims < 1 || dims > 3 || n_iter < 1 || !(perplexity > 0)) {
    snprintf(err, errlen, "t-SNE: bad arguments (n=%d, k=%d, dims=%d, iterations=%d)", n, k, dims,
             n_iter);
    return NULL;
  }
  if (perplexity > k / 3.0)
    perplexity = k / 3.0;
  if (perplexity < 1.0)
    perplexity = 1.0;
  prj_tsne *t = calloc(1, sizeof *t);
  long nk = (long)n * k;
  pentry *pe = malloc(sizeof(pentry) * nk);
  float *pk = malloc(sizeof(float) * k);
  if (!t || !pe || !pk)
    goto oom;
  t->n = n, t->dims = dims, t->n_iter = n_iter, t->theta = theta;
  t->lr = n / EXAG / 4.0 > 50.0 ? n / EXAG / 4.0 : 50.0;
  for (int i = 0; i < n; i++) {
    cond_p(knn_d + (size_t)i * k, k, perplexity, pk);
    for (int j = 0; j < k; j++) {
      int o = knn_idx[(size_t)i * k + j];
      uint32_t lo = (uint32_t)(i < o ? i : o), hi = (uint32_t)(i < o ? o : i);
      pe[(size_t)i * k + j].key = ((uint64_t)lo << 32) | hi;
      pe[(size_t)i * k + j].v = pk[j];
    }
  }
  qsort(pe, nk, sizeof(pentry), cmp_pentry);
  long m = 0;
  for (long e = 0; e < nk;) {
    float v = pe[e].v;
    long f = e + 1;
    if (f < nk && pe[f].key == pe[e].key)
      v += pe[f++].v;
    pe[m].key = pe[e].key, pe[m].v = v / (2.0f * n);
    m++;
    e = f;
  }
  t->rowptr = calloc((size_t)n + 1, sizeof(long));
  t->col = malloc(sizeof(int) * (2 * m + 1));
  t->val = malloc(sizeof(float) * (2 * m + 1));
  size_t nd = (size_t)n * dims;
  t->Y = malloc(sizeof(float) * nd);
  t->upd = calloc(nd, sizeof(float));
  t->gains = malloc(sizeof(float) * nd);
  t->grad = malloc(sizeof(float) * nd);
  t->neg = malloc(sizeof(float) * nd);
  t->perm = malloc(sizeof(int) * n);
  t->tmp = malloc(sizeof(int) * n);
  t->copy = malloc(sizeof(int) * n);
  t->cap = 2L * n + 16;
  t->nodes = malloc(sizeof(node) * t->cap);
  if (!t->rowptr || !t->col || !t->val || !t->Y || !t->upd || !t->gains || !t->grad || !t->neg ||
      !t->perm || !t->tmp || !t->copy || !t->nodes)
    goto oom;
  for (long e = 0; e < m; e++) {
    t->rowptr[(pe[e].key >> 32) + 1]++;
    t->rowptr[(pe[e].key & 0xffffffffu) + 1]++;
  }
  for (int i = 0; i < n; i++)
    t->rowptr[i + 1] += t->rowptr[i];
  long *fill = malloc(sizeof(long) * n);
  if (!fill)
    goto oom;
  memcpy(fill, t->rowptr, sizeof(long) * n);
  for (long e = 0; e < m; e++) {
    int lo = (int)(pe[e].key >> 32), hi = (int)(pe[e].key & 0xffffffffu);
    long p = fill[lo]++;
    t->col[p] = hi, t->val[p] = pe[e].v;
    p = fill[hi]++;
    t->col[p] = lo, t->val[p] = pe[e].v;
  }
  free(fill);
  memcpy(t->Y, init, sizeof(float) * nd);
  for (size_t i = 0; i < nd; i++)
    t->gains[i] = 1.0f;
  free(pe), free(pk);
  return t;
oom:
  free(pe), free(pk);
  prj_tsne_free(t);
  snprintf(err, errlen, "t-SNE: out of memory (n=%d, k=%d)", n, k);
  return NULL;
}

/* Build the 2^dims-ary tree over Y (breadth first, children contiguous). */
static int build_tree(prj_tsne *t, long *out_nodes) {
  const int n = t->n, dims = t->dims, nch = 1 << dims;
  const float *Y = t->Y;
  float lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
  for (int c = 0; c < dims; c++)
    lo[c] = hi[c] = Y[c];
  for (int i = 0; i < n; i++)
    for (int c = 0; c < dims; c++) {
      float v = Y[(size_t)i * dims + c];
      lo[c] = v < lo[c] ? v : lo[c];
      hi[c] = v > hi[c] ? v : hi[c];
    }
  float half = 0.0f;
  node *root = &t->nodes[0];
  memset(root, 0, sizeof *root);
  for (int c = 0; c < dims; c++) {
    root->c[c] = 0.5f * (lo[c] + hi[c]);
    float h = 0.5f * (hi[c] - lo[c]);
    half = h > half ? h : half;
  }
  root->half = half * 1.0001f + 1e-12f;
  root->count = n;
  for (int i = 0; i < n; i++)
    t->perm[i] = i;
  long nn = 1;
  for (long ni = 0; ni < nn; ni++) {
    node *nd = &t->nodes[ni];
    double com[3] = {0, 0, 0};
    for (int p = nd->start; p < nd->start + nd->count; p++)
      for (int c = 0; c < dims; c++)
        com[c] += Y[(size_t)t->perm[p] * dims + c];
    for (int c = 0; c < dims; c++)
      nd->com[c] = (float)(com[c] / nd->count);
    nd->nchild = 0;
    if (nd->count <= 1 || nd->depth >= MAX_DEPTH)
      continue;
    if (nn + nch > t->cap) {
      long cap = t->cap * 2;
      node *nw = realloc(t->nodes, sizeof(node) * cap);
      if (!nw)
        return -1;
      t->nodes = nw, t->cap = cap;
      nd = &t->nodes[ni];
    }
    int cnt[8] = {0}, off[8];
    for (int p = nd->start; p < nd->start + nd->count; p++) {
      const float *y = Y + (size_t)t->perm[p] * dims;
      int code = 0;
      for (int c = 0; c < dims; c++)
        code |= (y[c] > nd->c[c]) << c;
      t->tmp[p] = code;
      cnt[code]++;
    }
    off[0] = nd->start;
    for (int q = 1; q < nch; q++)
      off[q] = off[q - 1] + cnt[q - 1];
    /* stable scatter of this node's points into their children's ranges */
    memcpy(t->copy + nd->start, t->perm + nd->start, sizeof(int) * nd->count);
    int pos[8];
    memcpy(pos, off, sizeof pos);
    for (int p = nd->start; p < nd->start + nd->count; p++)
      t->perm[pos[t->tmp[p]]++] = t->copy[p];
    nd->first = (int)nn;
    for (int q = 0; q < nch; q++) {
      if (!cnt[q])
        continue;
      node *ch = &t->nodes[nn++];
      memset(ch, 0, sizeof *ch);
      ch->half = nd->half * 0.5f;
      for (int c = 0; c < dims; c++)
        ch->c[c] = nd->c[c] + ((q >> c) & 1 ? ch->half : -ch->half);
      ch->start = off[q], ch->count = cnt[q], ch->depth = nd->depth + 1;
      nd->nchild++;
    }
  }
  *out_nodes = nn;
  return 0;
}

static int uses_fft(const prj_tsne *t) {
  if (t->dims != 2)
    return 0;
  return t->method == PRJ_TSNE_FFT || (t->method == PRJ_TSNE_AUTO && t->n >= PRJ_TSNE_FFT_MIN_N);
}

/* Barnes-Hut: t->neg[i] = sum_j q_ij^2 (y_i - y_j), *out_sumq = sum_{i != j} q_ij */
static int repulsion_bh(prj_tsne *t, double *out_sumq) {
  const int n = t->n, dims = t->dims;
  const float *Y = t->Y;
  long nn;
  if (build_tree(t, &nn))
    return -1;
  const double th2 = t->theta * t->theta;
  double sumq = 0.0;
  int stack[8 * (MAX_DEPTH + 2)];
  const float th2f = (float)th2;
  for (int i = 0; i < n; i++) {
    const float *yi = Y + (size_t)i * dims;
    float f[3] = {0, 0, 0}, sq = 0.0f;
    int sp = 0;
    stack[sp++] = 0;
    while (sp) {
      const node *nd = &t->nodes[stack[--sp]];
      if (nd->nchild == 0) {
        for (int p = nd->start; p < nd->start + nd->count; p++) {
          int o = t->perm[p];
          if (o == i)
            continue;
          const float *yo = Y + (size_t)o * dims;
          float dx[3], d2 = 0.0f;
          for (int c = 0; c < dims; c++)
            dx[c] = yi[c] - yo[c], d2 += dx[c] * dx[c];
          float q = 1.0f / (1.0f + d2);
          sq += q;
          for (int c = 0; c < dims; c++)
            f[c] += q * q * dx[c];
        }
        continue;
      }
      float dx[3], d2 = 0.0f;
      for (int c = 0; c < dims; c++)
        dx[c] = yi[c] - nd->com[c], d2 += dx[c] * dx[c];
      float w = 2.0f * nd->half;
      if (w * w < th2f * d2) {
        float q = 1.0f / (1.0f + d2), mq = nd->count * q;
        sq += mq;
        for (int c = 0; c < dims; c++)
          f[c] += mq * q * dx[c];
      } else {
        for (int q = 0; q < nd->nchild; q++)
          stack[sp++] = nd->first + q;
      }
    }
    sumq += sq;
    for (int c = 0; c < dims; c++)
      t->neg[(size_t)i * dims + c] = f[c];
  }
  *out_sumq = sumq;
  return 0;
}

/* attraction on point i: f = sum_j p_ij q_ij (y_i - y_j), four edges at a time in four lanes
 * (lane l takes edges l, l + 4, ...; the lanes are summed as (0 + 1) + (2 + 3)), so the SIMD
 * and the scalar builds add in the same order. */
static inline void attract(const prj_tsne *t, int i, const int dims, float *f) {
  const float *Y = t->Y, *yi = Y + (size_t)i * dims;
  const long e0 = t->rowptr[i], e1 = t->rowptr[i + 1], e4 = e0 + ((e1 - e0) & ~3L);
#ifdef __wasm_simd128__
  v128_t acc[3], y[3];
  for (int c = 0; c < dims; c++)
    acc[c] = wasm_f32x4_splat(0.0f), y[c] = wasm_f32x4_splat(yi[c]);
  const v128_t one = wasm_f32x4_splat(1.0f);
  for (long e = e0; e < e4; e += 4) {
    const float *a = Y + (size_t)t->col[e] * dims, *b = Y + (size_t)t->col[e + 1] * dims,
                *c2 = Y + (size_t)t->col[e + 2] * dims, *d = Y + (size_t)t->col[e + 3] * dims;
    v128_t dx[3], d2 = wasm_f32x4_splat(0.0f);
    for (int c = 0; c < dims; c++) {
      dx[c] = wasm_f32x4_sub(y[c], wasm_f32x4_make(a[c], b[c], c2[c], d[c]));
      d2 = wasm_f32x4_add(d2, wasm_f32x4_mul(dx[c], dx[c]));
    }
    v128_t q = wasm_f32x4_div(wasm_v128_load(t->val + e), wasm_f32x4_add(one, d2));
    for (int c = 0; c < dims; c++)
      acc[c] = wasm_f32x4_add(acc[c], wasm_f32x4_mul(q, dx[c]));
  }
  float lane[3][4];
  for (int c = 0; c < dims; c++)
    wasm_v128_store(lane[c], acc[c]);
#else
  float lane[3][4] = {{0}};
  for (long e = e0; e < e4; e += 4)
    for (int l = 0; l < 4; l++) {
      const float *yj = Y + (size_t)t->col[e + l] * dims;
      float dx[3], d2 = 0.0f;
      for (int c = 0; c < dims; c++)
        dx[c] = yi[c] - yj[c], d2 = d2 + dx[c] * dx[c];
      float q = t->val[e + l] / (1.0f + d2);
      for (int c = 0; c < dims; c++)
        lane[c][l] = lane[c][l] + q * dx[c];
    }
#endif
  for (long e = e4; e < e1; e++) { /* the last edges, in their lanes */
    const float *yj = Y + (size_t)t->col[e] * dims;
    float dx[3], d2 = 0.0f;
    for (int c = 0; c < dims; c++)
      dx[c] = yi[c] - yj[c], d2 = d2 + dx[c] * dx[c];
    float q = t->val[e] / (1.0f + d2);
    for (int c = 0; c < dims; c++)
      lane[c][e - e4] = lane[c][e - e4] + q * dx[c];
  }
  for (int c = 0; c < dims; c++)
    f[c] = (lane[c][0] + lane[c][1]) + (lane[c][2] + lane[c][3]);
}

static int iterate(prj_tsne *t) {
  const int n = t->n, dims = t->dims;
  float *Y = t->Y;
  double sumq = 0.0;
  if (uses_fft(t)) {
    if (!t->fft && !(t->fft = prj_tsne_fft_new()))
      return -1;
    if (prj_tsne_fft_repulsion(t->fft, Y, n, t->neg, &sumq))
      return -1;
  } else if (repulsion_bh(t, &sumq))
    return -1;
  const double exag = t->iter < EXAG_ITERS ? EXAG : 1.0;
  const float mom = t->iter < EXAG_ITERS ? 0.5f : 0.8f;
  const double inv_z = sumq > 0 ? 1.0 / sumq : 0.0;
  for (int i = 0; i < n; i++) {
    float f[3] = {0, 0, 0};
    if (dims == 2)
      attract(t, i, 2, f);
    else
      attract(t, i, dims, f);
    for (int c = 0; c < dims; c++)
      t->grad[(size_t)i * dims + c] =
          (float)(4.0 * (exag * f[c] - t->neg[(size_t)i * dims + c] * inv_z));
  }
  size_t nd = (size_t)n * dims;
  for (size_t i = 0; i < nd; i++) {
    float g = t->grad[i], u = t->upd[i];
    float gain = ((g > 0) != (u > 0)) ? t->gains[i] + 0.2f : t->gains[i] * 0.8f;
    if (gain < MIN_GAIN)
      gain = MIN_GAIN;
    t->gains[i] = gain;
    u = mom * u - (float)t->lr * gain * g;
    t->upd[i] = u;
    Y[i] += u;
  }
  for (int c = 0; c < dims; c++) {
    double mean = 0.0;
    for (int i = 0; i < n; i++)
      mean += Y[(size_t)i * dims + c];
    mean /= n;
    for (int i = 0; i < n; i++)
      Y[(size_t)i * dims + c] -= (float)mean;
  }
  return 0;
}

int prj_tsne_step(prj_tsne *t, int iters) {
  for (int i = 0; i < iters && t->iter < t->n_iter; i++) {
    if (iterate(t))
      return -1;
    t->iter++;
  }
  return t->n_iter - t->iter;
}

void prj_tsne_set_repulsion(prj_tsne *t, int method) {
  t->method = method == PRJ_TSNE_BH || method == PRJ_TSNE_FFT ? method : PRJ_TSNE_AUTO;
}
int prj_tsne_uses_fft(const prj_tsne *t) { return uses_fft(t); }

const float *prj_tsne_embedding(const prj_tsne *t) { return t->Y; }

void prj_tsne_p(const prj_tsne *t, const long **rowptr, const int **col, const float **val) {
  *rowptr = t->rowptr, *col = t->col, *val = t->val;
}

void prj_tsne_free(prj_tsne *t) {
  if (!t)
    return;
  free(t->Y), free(t->upd), free(t->gains), free(t->grad), free(t->neg);
  free(t->rowptr), free(t->col), free(t->val), free(t->nodes), free(t->perm), free(t->tmp);
  free(t->copy);
  prj_tsne_fft_free(t->fft);
  free(t);
}
