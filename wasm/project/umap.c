/* umap.c — see umap.h. */
#include "project/umap.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "project/fastmath.h"
#include "project/rng.h"

#define NEG_RATE 5
#define GAMMA 1.0f
#define CLIP 4.0f

struct prj_umap {
  int n, dims, n_epochs, epoch;
  double a, b;
  float *Y;
  long ne;
  int *head, *tail;
  float *w;
  double *eps, *next, *eps_neg, *next_neg;
  int *due; /* the edges due in the current epoch, in edge order */
  prj_rng rng;
  uint32_t lanes[4][4]; /* negative-sample streams: word w of lane l at [w][l] */
};

/* Four xoshiro128+ streams side by side, one per SIMD lane; each round draws one index in
 * [0, n) per lane (the high half of r * n). The scalar version is the same arithmetic. */
static inline void lanes_draw(uint32_t st[4][4], uint32_t n, int id[4]) {
  for (int l = 0; l < 4; l++) {
    uint32_t s0 = st[0][l], s1 = st[1][l], s2 = st[2][l], s3 = st[3][l];
    uint32_t r = s0 + s3, t = s1 << 9;
    s2 ^= s0, s3 ^= s1, s1 ^= s2, s0 ^= s3, s2 ^= t;
    s3 = (s3 << 11) | (s3 >> 21);
    st[0][l] = s0, st[1][l] = s1, st[2][l] = s2, st[3][l] = s3;
    id[l] = (int)(((uint64_t)r * n) >> 32);
  }
}

typedef struct {
  uint64_t key; /* (min << 32) | max */
  int dir;      /* 0: min -> max, 1: max -> min */
  float w;
} dedge;

static int cmp_dedge(const void *pa, const void *pb) {
  const dedge *a = pa, *b = pb;
  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  return a->dir - b->dir;
}

void prj_umap_smooth_knn(const float *dist, int k, double mean_all, float *w) {
  double target = log2((double)k + 1.0);
  double rho = 0.0;
  for (int j = 0; j < k; j++)
    if (dist[j] > 0) {
      rho = dist[j];
      break;
    }
  double lo = 0.0, hi = INFINITY, mid = 1.0;
  for (int it = 0; it < 64; it++) {
    double psum = 0.0;
    for (int j = 0; j < k; j++) {
      double t = dist[j] - rho;
      psum += t > 0 ? exp(-t / mid) : 1.0;
    }
    if (fabs(psum - target) < 1e-5)
      break;
    if (psum > target) {
      hi = mid;
      mid = (lo + hi) / 2.0;
    } else {
      lo = mid;
      mid = isinf(hi) ? mid * 2.0 : (lo + hi) / 2.0;
    }
  }
  double sigma = mid;
  if (rho > 0.0) {
    double mean_i = 0.0;
    for (int j = 0; j < k; j++)
      mean_i += dist[j];
    mean_i /= k;
    if (sigma < 1e-3 * mean_i)
      sigma = 1e-3 * mean_i;
  } else if (sigma < 1e-3 * mean_all) {
    sigma = 1e-3 * mean_all;
  }
  for (int j = 0; j < k; j++) {
    double t = dist[j] - rho;
    w[j] = (t <= 0 || sigma == 0.0) ? 1.0f : (float)exp(-t / sigma);
  }
}

prj_umap *prj_umap_new(const int *knn_idx, const float *knn_dist, int n, int k, const float *init,
                       int dims, int n_epochs, double a, double b, uint64_t seed, char *err,
                       size_t errlen) {
  if (n < 2 || k < 1 || k > n - 1 || dims < 1 || dims > 3 || n_epochs < 1) {
    snprintf(err, errlen, "UMAP: bad arguments (n=%d, k=%d, dims=%d, epochs=%d)", n, k, dims,
             n_epochs);
    return NULL;
  }
  prj_umap *u = calloc(1, sizeof *u);
  long nd = (long)n * k;
  dedge *de = malloc(sizeof(dedge) * nd);
  float *wk = malloc(sizeof(float) * k);
  int *deg = calloc((size_t)n + 1, sizeof(int));
  if (!u || !de || !wk || !deg)
    goto oom;
  u->n = n, u->dims = dims, u->n_epochs = n_epochs, u->a = a, u->b = b;
  prj_rng_seed(&u->rng, seed, 0x0ad);
  for (int l = 0; l < 4; l++) {
    uint64_t a = prj_rng_next(&u->rng), b = prj_rng_next(&u->rng);
    u->lanes[0][l] = (uint32_t)a, u->lanes[1][l] = (uint32_t)(a >> 32);
    u->lanes[2][l] = (uint32_t)b, u->lanes[3][l] = (uint32_t)(b >> 32) | 1u; /* never all zero */
  }

  double mean_all = 0.0;
  for (long e = 0; e < nd; e++)
    mean_all += knn_dist[e];
  mean_all /= (double)nd;
  for (int i = 0; i < n; i++) {
    prj_umap_smooth_knn(knn_dist + (size_t)i * k, k, mean_all, wk);
    for (int j = 0; j < k; j++) {
      int t = knn_idx[(size_t)i * k + j];
      dedge *e = &de[(size_t)i * k + j];
      uint32_t lo = (uint32_t)(i < t ? i : t), hi = (uint32_t)(i < t ? t : i);
      e->key = ((uint64_t)lo << 32) | hi;
      e->dir = i < t ? 0 : 1;
      e->w = wk[j];
    }
  }
  qsort(de, nd, sizeof(dedge), cmp_dedge);
  /* fuzzy union: w = w1 + w2 - w1 w2, both directions kept; compact in place */
  long m = 0;
  float wmax = 0.0f;
  for (long e = 0; e < nd;) {
    float w1 = de[e].w, w = w1;
    long f = e + 1;
    if (f < nd && de[f].key == de[e].key) {
      w = w1 + de[f].w - w1 * de[f].w;
      f++;
    }
    de[m].key = de[e].key;
    de[m].w = w;
    if (w > wmax)
      wmax = w;
    m++;
    e = f;
  }
  float wmin = wmax / (float)n_epochs;
  for (long e = 0; e < m; e++)
    if (de[e].w >= wmin && de[e].w > 0) {
      deg[(de[e].key >> 32) + 1]++;
      deg[(de[e].key & 0xffffffffu) + 1]++;
    }
  for (int i = 0; i < n; i++)
    deg[i + 1] += deg[i];
  u->ne = deg[n];
  u->head = malloc(sizeof(int) * (u->ne + 1));
  u->tail = malloc(sizeof(int) * (u->ne + 1));
  u->w = malloc(sizeof(float) * (u->ne + 1));
  u->eps = malloc(sizeof(double) * (u->ne + 1));
  u->next = malloc(sizeof(double) * (u->ne + 1));
  u->eps_neg = malloc(sizeof(double) * (u->ne + 1));
  u->next_neg = malloc(sizeof(double) * (u->ne + 1));
  u->due = malloc(sizeof(int) * (u->ne + 1));
  u->Y = malloc(sizeof(float) * (size_t)n * dims);
  if (!u->head || !u->tail || !u->w || !u->eps || !u->next || !u->eps_neg || !u->next_neg ||
      !u->due || !u->Y)
    goto oom;
  for (long e = 0; e < m; e++) { /* rows sorted by head, tails ascending within a row */
    if (!(de[e].w >= wmin && de[e].w > 0))
      continue;
    int lo = (int)(de[e].key >> 32), hi = (int)(de[e].key & 0xffffffffu);
    long p = deg[lo]++;
    u->head[p] = lo, u->tail[p] = hi, u->w[p] = de[e].w;
    p = deg[hi]++;
    u->head[p] = hi, u->tail[p] = lo, u->w[p] = de[e].w;
  }
  /* interleave the rows: edge r of every point, then edge r + 1 of every point..., so that
   * consecutive samples move different points and do not wait on each other */
  {
    int *h2 = malloc(sizeof(int) * (u->ne + 1)), *t2 = malloc(sizeof(int) * (u->ne + 1));
    float *w2 = malloc(sizeof(float) * (u->ne + 1));
    if (!h2 || !t2 || !w2) {
      free(h2), free(t2), free(w2);
      goto oom;
    }
    int maxdeg = 0; /* deg[i] is now the end of row i, deg[i - 1] its start */
    for (int i = 0; i < n; i++) {
      int len = deg[i] - (i ? deg[i - 1] : 0);
      maxdeg = len > maxdeg ? len : maxdeg;
    }
    long *at = calloc((size_t)maxdeg + 1, sizeof(long)); /* counting sort by rank in the row */
    if (!at) {
      free(h2), free(t2), free(w2);
      goto oom;
    }
    for (int i = 0; i < n; i++)
      for (int r = 0; r < deg[i] - (i ? deg[i - 1] : 0); r++)
        at[r + 1]++;
    for (int r = 0; r < maxdeg; r++)
      at[r + 1] += at[r];
    for (int i = 0; i < n; i++) {
      long st = i ? deg[i - 1] : 0;
      for (long e = st; e < deg[i]; e++) {
        long q = at[e - st]++;
        h2[q] = u->head[e], t2[q] = u->tail[e], w2[q] = u->w[e];
      }
    }
    free(at);
    free(u->head), free(u->tail), free(u->w);
    u->head = h2, u->tail = t2, u->w = w2;
  }
  for (long e = 0; e < u->ne; e++) {
    u->eps[e] = (double)wmax / u->w[e];
    u->next[e] = u->eps[e];
    u->eps_neg[e] = u->eps[e] / NEG_RATE;
    u->next_neg[e] = u->eps_neg[e];
  }
  /* initial layout: each column scaled to [0, 10], plus a little seeded noise */
  prj_rng noise;
  prj_rng_seed(&noise, seed, 0x1ef);
  for (int c = 0; c < dims; c++) {
    float lo = FLT_MAX, hi = -FLT_MAX;
    for (int i = 0; i < n; i++) {
      float v = init[(size_t)i * dims + c];
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    double s = hi > lo ? 10.0 / ((double)hi - lo) : 0.0;
    for (int i = 0; i < n; i++)
      u->Y[(size_t)i * dims + c] = (float)((hi > lo ? (init[(size_t)i * dims + c] - lo) * s : 5.0) +
                                           1e-4 * prj_rng_normal(&noise));
  }
  free(de), free(wk), free(deg);
  return u;
oom:
  free(de), free(wk), free(deg);
  prj_umap_free(u);
  snprintf(err, errlen, "UMAP: out of memory (n=%d, k=%d)", n, k);
  return NULL;
}

static inline float clip(float v) { return v > CLIP ? CLIP : (v < -CLIP ? -CLIP : v); }

/* Samples are taken in groups of four due edges, so that no sample waits on the one before it
 * (one sample alone is a chain of power, divisions and clipping: latency, not work):
 *  1. the four attractive moves read their distances first, take their coefficients in four
 *     lanes at once, then move the points in edge order;
 *  2. the group's negative samples (about five per edge) are drawn in edge order into one stream
 *     of lanes, four at a time, each pushing its own edge's head (as it stands after step 1);
 *     the pushes are summed per edge in lane order and applied after the whole group.
 * The order of every operation is fixed, so a seed gives one layout, natively and in wasm. The
 * power d2^b goes through fastmath.h: the same bits on both builds. */
typedef struct {
  const int *head, *tail;
  double *next, *next_neg;
  const double *eps, *eps_neg;
  float *Y;
  uint32_t (*lanes)[4];
  uint32_t n;
  float a, b, two_ab, two_gb, alpha;
  double ep;
#ifdef __wasm_simd128__
  prj_pow4_k k;            /* fastmath.h's constants, read at run time (see prj_pow4_k) */
  v128_t clip_lo, clip_hi; /* -CLIP, CLIP, the same way */
  v128_t n_live;           /* n in four lanes, read in the loop (see there) */
#endif
} epoch_ctx;

#ifdef __wasm_simd128__
/* One round of lanes_draw in lanes (lanes past their edge's count draw too; the result is
 * unused there): the byte offsets in Y of four 2-D points. */
static inline __attribute__((always_inline)) v128_t neg_draw(v128_t *s0, v128_t *s1, v128_t *s2,
                                                             v128_t *s3, const epoch_ctx *x) {
  v128_t r = wasm_i32x4_add(*s0, *s3), t = wasm_i32x4_shl(*s1, 9);
  *s2 = wasm_v128_xor(*s2, *s0), *s3 = wasm_v128_xor(*s3, *s1);
  *s1 = wasm_v128_xor(*s1, *s2), *s0 = wasm_v128_xor(*s0, *s3);
  *s2 = wasm_v128_xor(*s2, t);
  *s3 = wasm_v128_or(wasm_i32x4_shl(*s3, 11), wasm_u32x4_shr(*s3, 21));
  /* n in four lanes, loaded here through volatile: as a splat, or hoisted out of the loop, its
   * widening to 64 bits no longer pairs with r's and clang emits i64x2.mul (about ten x64
   * instructions in V8, twice) instead of extmul (one or two) */
  const v128_t nv = *(const volatile v128_t *)&x->n_live;
  v128_t idv = wasm_i32x4_shuffle(wasm_u64x2_extmul_low_u32x4(r, nv),
                                  wasm_u64x2_extmul_high_u32x4(r, nv), 1, 3, 5, 7);
  return wasm_i32x4_shl(idv, 3); /* byte offset of the point (no scaling per lane) */
}

/* The clipped repulsive pushes on four heads at (cx, cy) from the points at byte offsets idv. */
static inline __attribute__((always_inline)) void
neg_push(const epoch_ctx *x, v128_t idv, v128_t cx, v128_t cy, v128_t *gx, v128_t *gy) {
  const char *yb = (const char *)x->Y;
  v128_t p01 = wasm_v128_load64_zero(yb + wasm_i32x4_extract_lane(idv, 0));
  p01 = wasm_v128_load64_lane(yb + wasm_i32x4_extract_lane(idv, 1), p01, 1);
  v128_t p23 = wasm_v128_load64_zero(yb + wasm_i32x4_extract_lane(idv, 2));
  p23 = wasm_v128_load64_lane(yb + wasm_i32x4_extract_lane(idv, 3), p23, 1);
  v128_t dx = wasm_f32x4_sub(cx, wasm_i32x4_shuffle(p01, p23, 0, 2, 4, 6));
  v128_t dy = wasm_f32x4_sub(cy, wasm_i32x4_shuffle(p01, p23, 1, 3, 5, 7));
  v128_t d2v = wasm_f32x4_add(wasm_f32x4_mul(dx, dx), wasm_f32x4_mul(dy, dy));
  v128_t g = prj_umap_rep4v(d2v, x->a, x->b, x->two_gb, &x->k);
  *gx = wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_mul(g, dx), x->clip_lo), x->clip_hi);
  *gy = wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_mul(g, dy), x->clip_lo), x->clip_hi);
}
#endif

static inline __attribute__((always_inline)) void group_dims(const epoch_ctx *x, const int *grp,
                                                             int ng, const int dims) {
  float *Y = x->Y;
  float d2[4], dv[4][3], gc[4];
#ifdef __wasm_simd128__
  if (dims == 2) { /* the same arithmetic as the loops below, in lanes (spare lanes: edge 0) */
    const float *hp[4], *tp[4];
    for (int s = 0; s < 4; s++) {
      long e = grp[s < ng ? s : 0];
      hp[s] = Y + 2 * (size_t)x->head[e], tp[s] = Y + 2 * (size_t)x->tail[e];
    }
    v128_t h01 = wasm_v128_load64_lane(hp[1], wasm_v128_load64_zero(hp[0]), 1);
    v128_t h23 = wasm_v128_load64_lane(hp[3], wasm_v128_load64_zero(hp[2]), 1);
    v128_t t01 = wasm_v128_load64_lane(tp[1], wasm_v128_load64_zero(tp[0]), 1);
    v128_t t23 = wasm_v128_load64_lane(tp[3], wasm_v128_load64_zero(tp[2]), 1);
    v128_t dx = wasm_f32x4_sub(wasm_i32x4_shuffle(h01, h23, 0, 2, 4, 6),
                               wasm_i32x4_shuffle(t01, t23, 0, 2, 4, 6));
    v128_t dy = wasm_f32x4_sub(wasm_i32x4_shuffle(h01, h23, 1, 3, 5, 7),
                               wasm_i32x4_shuffle(t01, t23, 1, 3, 5, 7));
    v128_t dd = wasm_f32x4_add(wasm_f32x4_mul(dx, dx), wasm_f32x4_mul(dy, dy));
    v128_t g = prj_umap_att4v(dd, x->a, x->b, x->two_ab, &x->k);
    const v128_t lo = x->clip_lo, hi = x->clip_hi;
    const v128_t al = wasm_f32x4_splat(x->alpha);
    v128_t gx = wasm_f32x4_mul(wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_mul(g, dx), lo), hi), al);
    v128_t gy = wasm_f32x4_mul(wasm_f32x4_pmin(wasm_f32x4_pmax(wasm_f32x4_mul(g, dy), lo), hi), al);
    float mx[4], my[4];
    wasm_v128_store(d2, dd), wasm_v128_store(mx, gx), wasm_v128_store(my, gy);
    for (int s = 0; s < ng; s++)
      if (d2[s] > 0.0f) {
        float *cur = Y + 2 * (size_t)x->head[grp[s]], *oth = Y + 2 * (size_t)x->tail[grp[s]];
        cur[0] += mx[s], oth[0] -= mx[s];
        cur[1] += my[s], oth[1] -= my[s];
      }
  } else
#endif
  {
    for (int s = 0; s < 4; s++) {
      d2[s] = 0.0f;
      for (int c = 0; c < dims; c++)
        dv[s][c] = 0.0f;
      if (s >= ng)
        continue;
      const float *cur = Y + (size_t)x->head[grp[s]] * dims,
                  *oth = Y + (size_t)x->tail[grp[s]] * dims;
      for (int c = 0; c < dims; c++)
        dv[s][c] = cur[c] - oth[c], d2[s] += dv[s][c] * dv[s][c];
    }
    prj_umap_att4(d2, x->a, x->b, x->two_ab, gc);
    for (int s = 0; s < ng; s++)
      if (d2[s] > 0.0f) {
        float *cur = Y + (size_t)x->head[grp[s]] * dims, *oth = Y + (size_t)x->tail[grp[s]] * dims;
        for (int c = 0; c < dims; c++) {
          float g = clip(gc[s] * dv[s][c]) * x->alpha;
          cur[c] += g;
          oth[c] -= g;
        }
      }
  }
  int nneg[4];
  for (int s = 0; s < ng; s++) {
    long e = grp[s];
    x->next[e] += x->eps[e];
    nneg[s] = (int)((x->ep - x->next_neg[e]) / x->eps_neg[e]);
    x->next_neg[e] += nneg[s] * x->eps_neg[e];
  }
  /* negatives: round j draws the j-th sample of each edge of the group (lane s: edge s) */
  float cur[4][3], acc[4][3];
  int maxn = 0;
  for (int s = 0; s < 4; s++) {
    for (int c = 0; c < dims; c++)
      cur[s][c] = s < ng ? Y[(size_t)x->head[grp[s]] * dims + c] : 0.0f, acc[s][c] = 0.0f;
    if (s >= ng)
      nneg[s] = 0;
    maxn = nneg[s] > maxn ? nneg[s] : maxn;
  }
#ifdef __wasm_simd128__
  if (dims == 2) { /* the same arithmetic as the loop below, in lanes */
    const v128_t cx = wasm_f32x4_make(cur[0][0], cur[1][0], cur[2][0], cur[3][0]);
    const v128_t cy = wasm_f32x4_make(cur[0][1], cur[1][1], cur[2][1], cur[3][1]);
    const v128_t nn = wasm_i32x4_make(nneg[0], nneg[1], nneg[2], nneg[3]);
    v128_t s0 = wasm_v128_load(x->lanes[0]), s1 = wasm_v128_load(x->lanes[1]);
    v128_t s2 = wasm_v128_load(x->lanes[2]), s3 = wasm_v128_load(x->lanes[3]);
    v128_t ax = wasm_f32x4_splat(0.0f), ay = ax;
    /* four draws per pass (then two, then one): each sample is a long chain of dependent
     * steps (the power's two polynomials, a division), and independent chains side by side keep
     * the core busy where one leaves it waiting (one → two → four draws: about 7 %, then 10 %
     * less time); the sums are taken in the same order as one at a time. Lanes past their
     * count add +0: the same sums (ax starts at +0 and is never -0). */
#define NEG_DRAW(i) v128_t i = neg_draw(&s0, &s1, &s2, &s3, x)
#define NEG_PUSH(i, gx, gy)                                                                        \
  v128_t gx, gy;                                                                                   \
  neg_push(x, i, cx, cy, &gx, &gy)
#define NEG_SUM(gx, gy, jj)                                                                        \
  do {                                                                                             \
    v128_t live_ = wasm_i32x4_gt(nn, wasm_i32x4_splat(jj));                                        \
    ax = wasm_f32x4_add(ax, wasm_v128_and(gx, live_));                                             \
    ay = wasm_f32x4_add(ay, wasm_v128_and(gy, live_));                                             \
  } while (0)
    int j = 0;
    for (; j + 4 <= maxn; j += 4) {
      NEG_DRAW(i0);
      NEG_DRAW(i1);
      NEG_DRAW(i2);
      NEG_DRAW(i3);
      NEG_PUSH(i0, gx0, gy0);
      NEG_PUSH(i1, gx1, gy1);
      NEG_PUSH(i2, gx2, gy2);
      NEG_PUSH(i3, gx3, gy3);
      NEG_SUM(gx0, gy0, j);
      NEG_SUM(gx1, gy1, j + 1);
      NEG_SUM(gx2, gy2, j + 2);
      NEG_SUM(gx3, gy3, j + 3);
    }
    if (maxn - j >= 2) {
      NEG_DRAW(i0);
      NEG_DRAW(i1);
      NEG_PUSH(i0, gx0, gy0);
      NEG_PUSH(i1, gx1, gy1);
      NEG_SUM(gx0, gy0, j);
      NEG_SUM(gx1, gy1, j + 1);
      j += 2;
    }
    if (j < maxn) {
      NEG_DRAW(i0);
      NEG_PUSH(i0, gx0, gy0);
      NEG_SUM(gx0, gy0, j);
    }
#undef NEG_DRAW
#undef NEG_PUSH
#undef NEG_SUM
    wasm_v128_store(x->lanes[0], s0), wasm_v128_store(x->lanes[1], s1);
    wasm_v128_store(x->lanes[2], s2), wasm_v128_store(x->lanes[3], s3);
    float sx[4], sy[4];
    wasm_v128_store(sx, ax);
    wasm_v128_store(sy, ay);
    for (int s = 0; s < ng; s++) {
      float *p = Y + (size_t)x->head[grp[s]] * 2;
      p[0] += sx[s] * x->alpha;
      p[1] += sy[s] * x->alpha;
    }
    return;
  }
#endif
  for (int j = 0; j < maxn; j++) {
    float nd2[4], ndv[4][3], g4[4];
    int id[4];
    lanes_draw(x->lanes, x->n, id);
    for (int l = 0; l < 4; l++) {
      nd2[l] = 0.0f;
      for (int c = 0; c < dims; c++)
        ndv[l][c] = 0.0f;
      if (j >= nneg[l])
        continue;
      const float *o = Y + (size_t)id[l] * dims;
      for (int c = 0; c < dims; c++)
        ndv[l][c] = cur[l][c] - o[c], nd2[l] += ndv[l][c] * ndv[l][c];
    }
    prj_umap_rep4(nd2, x->a, x->b, x->two_gb, g4);
    for (int l = 0; l < ng; l++)
      if (j < nneg[l])
        for (int c = 0; c < dims; c++)
          acc[l][c] += clip(g4[l] * ndv[l][c]);
  }
  for (int s = 0; s < ng; s++)
    for (int c = 0; c < dims; c++)
      Y[(size_t)x->head[grp[s]] * dims + c] += acc[s][c] * x->alpha;
}

/* One epoch for a fixed dims (the compiler specialises it per value). */
static inline __attribute__((always_inline)) void epoch_dims(prj_umap *u, int ep, const int dims) {
  epoch_ctx x = {.head = u->head,
                 .tail = u->tail,
                 .next = u->next,
                 .next_neg = u->next_neg,
                 .eps = u->eps,
                 .eps_neg = u->eps_neg,
                 .Y = u->Y,
                 .lanes = u->lanes,
                 .n = (uint32_t)u->n,
                 .a = (float)u->a,
                 .b = (float)u->b,
                 .alpha = (float)(1.0 - (double)ep / u->n_epochs),
                 .ep = (double)ep};
  x.two_ab = 2.0f * x.a * x.b, x.two_gb = 2.0f * GAMMA * x.b;
#ifdef __wasm_simd128__
  x.k = prj_pow4_k_live();
  static const volatile float clip[2] = {-CLIP, CLIP};
  x.clip_lo = wasm_f32x4_splat(clip[0]), x.clip_hi = wasm_f32x4_splat(clip[1]);
  x.n_live = wasm_i32x4_splat((int32_t)u->n);
#endif
  /* the due edges first, without a branch (which edges are due has no pattern a predictor could
   * learn: a branch per edge cost about an eighth of the epoch), then in groups of four in edge
   * order as before; a group changes only its own edges' schedule, so the list is the same */
  const double *next = u->next;
  const double epd = (double)ep;
  const int ne = (int)u->ne;
  int *due = u->due, nd = 0;
  for (int e = 0; e < ne; e++) {
    due[nd] = e;
    nd += !(next[e] > epd); /* as the old test, NaN included */
  }
  int g = 0;
  for (; g + 4 <= nd; g += 4)
    group_dims(&x, due + g, 4, dims);
  if (g < nd)
    group_dims(&x, due + g, nd - g, dims);
}

static void epoch(prj_umap *u, int ep) {
  if (u->dims == 2)
    epoch_dims(u, ep, 2);
  else if (u->dims == 3)
    epoch_dims(u, ep, 3);
  else
    epoch_dims(u, ep, 1);
}

int prj_umap_step(prj_umap *u, int epochs) {
  for (int i = 0; i < epochs && u->epoch < u->n_epochs; i++)
    epoch(u, u->epoch++);
  return u->n_epochs - u->epoch;
}

const float *prj_umap_embedding(const prj_umap *u) { return u->Y; }

int prj_umap_graph(const prj_umap *u, const int **head, const int **tail, const float **w) {
  *head = u->head, *tail = u->tail, *w = u->w;
  return (int)u->ne;
}

void prj_umap_free(prj_umap *u) {
  if (!u)
    return;
  free(u->Y), free(u->head), free(u->tail), free(u->w);
  free(u->eps), free(u->next), free(u->eps_neg), free(u->next_neg), free(u->due);
  free(u);
}

void prj_umap_find_ab(double spread, double min_dist, double *pa, double *pb) {
  enum { M = 300 };
  double xs[M], ys[M];
  for (int i = 0; i < M; i++) {
    xs[i] = 3.0 * spread * i / (M - 1);
    ys[i] = xs[i] < min_dist ? 1.0 : exp(-(xs[i] - min_dist) / spread);
  }
  double a = 1.0, b = 1.0, lambda = 1e-3;
  double cost = 0.0;
  for (int i = 0; i < M; i++) {
    double u = xs[i] > 0 ? pow(xs[i], 2 * b) : 0.0, r = 1.0 / (1.0 + a * u) - ys[i];
    cost += r * r;
  }
  for (int it = 0; it < 200; it++) {
    double JtJ[3] = {0, 0, 0}, Jtr[2] = {0, 0}; /* JtJ: aa, ab, bb */
    for (int i = 0; i < M; i++) {
      if (xs[i] <= 0)
        continue; /* f = 1 there whatever a, b */
      double u = pow(xs[i], 2 * b), f = 1.0 / (1.0 + a * u), r = f - ys[i];
      double ja = -u * f * f, jb = -a * u * 2.0 * log(xs[i]) * f * f;
      JtJ[0] += ja * ja, JtJ[1] += ja * jb, JtJ[2] += jb * jb;
      Jtr[0] += ja * r, Jtr[1] += jb * r;
    }
    double A00 = JtJ[0] * (1 + lambda), A11 = JtJ[2] * (1 + lambda), A01 = JtJ[1];
    double det = A00 * A11 - A01 * A01;
    if (!(fabs(det) > 1e-300))
      break;
    double da = -(A11 * Jtr[0] - A01 * Jtr[1]) / det, db = -(A00 * Jtr[1] - A01 * Jtr[0]) / det;
    double na = a + da, nb = b + db, nc = 0.0;
    for (int i = 0; i < M; i++) {
      double u = xs[i] > 0 ? pow(xs[i], 2 * nb) : 0.0, r = 1.0 / (1.0 + na * u) - ys[i];
      nc += r * r;
    }
    if (nc < cost && na > 0 && nb > 0) {
      double rel = (cost - nc) / (cost > 0 ? cost : 1.0);
      a = na, b = nb, cost = nc, lambda *= 0.3;
      if (rel < 1e-14)
        break;
    } else {
      lambda *= 10.0;
      if (lambda > 1e12)
        break;
    }
  }
  *pa = a, *pb = b;
}
