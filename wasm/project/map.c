/* map.c — the projection section of sonomap.h: input cleaning, standardisation, PCA
 * preprocessing, kNN, then PCA / UMAP / t-SNE advanced in steps; clusters, quality figures. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "project/kmeans.h"
#include "project/knn.h"
#include "project/nndescent.h"
#include "project/pca.h"
#include "project/quality.h"
#include "project/rng.h"
#include "project/transform.h"
#include "project/tsne.h"
#include "project/umap.h"
#include "sonomap.h"

/* exact kNN up to this many rows, NN-descent beyond (the measured crossovers in wasm) */
#define EXACT_KNN_MAX 8000          /* k <= 30 (UMAP) */
#define EXACT_KNN_MAX_LARGE_K 10000 /* k > 30 (t-SNE's 3 x perplexity) */
#define KMEANS_STARTS 4
/* PCA preprocessing axes from a sample of max(FIT_MIN, n / 5) rows, at most FIT_MAX (all rows
 * when n <= FIT_MIN): the leading axes settle long before every row is seen */
#define PCA_FIT_MIN 5000
#define PCA_FIT_MAX 20000

enum { STAGE_NEIGHBORS, STAGE_GRAPH, STAGE_READY };

struct sm_map {
  sm_map_options o;
  int n, nk, df, dims;
  int *kept;     /* nk: input row of each mapped row */
  int *excluded; /* n - nk */
  float *F;      /* nk x df: standardised (PCA-reduced, normalised for cosine) rows */
  float *layout; /* n x dims, NaN for excluded rows */
  float *fixed;  /* nk x dims: the PCA layout, or the single point */
  prj_umap *umap;
  prj_tsne *tsne;
  /* setup in chunks: the neighbour search, then the graph */
  int stage;    /* STAGE_* */
  int k;        /* neighbours per row */
  prj_nnd *nnd; /* the approximate search while it runs */
  int *kidx;    /* nk x k */
  float *kd2;   /* nk x k squared distances */
  double var0;  /* variance along the first principal axis */
  int prep_total, prep_done;
  int total, done;
  int *clusters, nclusters;
  /* what sm_map_place needs to bring new rows to the fitted ones */
  int d;                /* input values per row */
  float *shift, *scale; /* d, the standardization (NULL: none) */
  prj_pca fpca;         /* the PCA preprocessing (fpca.axes NULL: none) */
  prj_pca lpca;         /* PCA projection: the layout axes (lpca.axes NULL: none) */
  float lscale;         /* and their scale */
  double a, b;          /* UMAP's kernel */
  double mean_dist;     /* mean neighbour distance of the graph */
  prj_knn_ref ref;      /* the mapped rows as a search reference (ref.xt NULL: not built) */
  char err[160];
};

void sm_map_options_init(sm_map_options *o) {
  memset(o, 0, sizeof *o);
  o->projection = SM_PROJ_UMAP;
  o->dims = 2;
  o->seed = 42;
  o->metric = SM_METRIC_EUCLIDEAN;
  o->n_neighbors = 15;
  o->min_dist = 0.1f;
  o->spread = 1.0f;
  o->perplexity = 30.0f;
  o->iterations = 0;
  o->pca_dims = 50;
  o->knn = SM_KNN_AUTO;
  o->clusters = 0;
  o->spherical = 0;
  o->standardize = 1;
}

static const float *current(const sm_map *m) {
  if (m->umap)
    return prj_umap_embedding(m->umap);
  if (m->tsne)
    return prj_tsne_embedding(m->tsne);
  return m->fixed;
}

static void publish(sm_map *m) {
  const float *Y = current(m);
  for (int r = 0; r < m->nk; r++)
    memcpy(m->layout + (size_t)m->kept[r] * m->dims, Y + (size_t)r * m->dims,
           sizeof(float) * m->dims);
}

/* top `dims` principal components of F (zero-padded when df < dims) */
static int pca_layout(const sm_map *m, float *Y, double *var0, prj_pca *keep, char *err,
                      size_t errlen) {
  int k = m->df < m->dims ? m->df : m->dims;
  prj_pca p;
  if (prj_pca_fit(m->F, m->nk, m->df, k, m->o.seed, &p, err, errlen))
    return -1;
  float *T = malloc(sizeof(float) * (size_t)m->nk * k);
  if (!T || prj_pca_transform(&p, m->F, m->nk, T)) {
    free(T);
    prj_pca_free(&p);
    snprintf(err, errlen, "PCA: out of memory");
    return -1;
  }
  for (int r = 0; r < m->nk; r++)
    for (int c = 0; c < m->dims; c++)
      Y[(size_t)r * m->dims + c] = c < k ? T[(size_t)r * k + c] : 0.0f;
  *var0 = p.var[0];
  free(T);
  if (keep)
    *keep = p;
  else
    prj_pca_free(&p);
  return 0;
}

/* The start of a projection: the PCA layout, shown until the projection takes over, and
 * what the chunked setup (prepare_chunk) will build. */
static int setup_projection(sm_map *m, char *err, size_t errlen) {
  const sm_map_options *o = &m->o;
  size_t nd = (size_t)m->nk * m->dims;
  m->stage = STAGE_READY;
  m->fixed = calloc(nd, sizeof(float));
  if (!m->fixed) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  if (m->nk == 1) { /* a single point sits at the origin */
    m->total = 1;
    return 0;
  }
  if (pca_layout(m, m->fixed, &m->var0, o->projection == SM_PROJ_PCA ? &m->lpca : NULL, err,
                 errlen))
    return -1;
  float s = m->var0 > 0 ? (float)(1.0 / sqrt(m->var0)) : 1.0f; /* first axis: unit deviation */
  m->lscale = s;
  for (size_t i = 0; i < nd; i++)
    m->fixed[i] *= s;
  if (o->projection == SM_PROJ_PCA) {
    m->total = 1;
    return 0;
  }
  int k = o->projection == SM_PROJ_UMAP ? o->n_neighbors - 1 : (int)(3.0 * o->perplexity);
  if (k > m->nk - 1)
    k = m->nk - 1;
  if (k < 1)
    k = 1;
  m->k = k;
  m->kidx = malloc(sizeof(int) * (size_t)m->nk * k);
  m->kd2 = malloc(sizeof(float) * (size_t)m->nk * k);
  if (!m->kidx || !m->kd2) {
    snprintf(err, errlen, "kNN: out of memory (%d rows, k=%d)", m->nk, k);
    return -1;
  }
  if (o->projection == SM_PROJ_UMAP)
    m->total = o->iterations > 0 ? o->iterations : (m->nk <= 10000 ? 500 : 200);
  else
    m->total = o->iterations > 0 ? o->iterations : 1000;
  m->stage = STAGE_NEIGHBORS;
  m->prep_total = 2; /* the exact search in one chunk, the graph in one */
  int exact_max = k > 30 ? EXACT_KNN_MAX_LARGE_K : EXACT_KNN_MAX;
  if (o->knn == SM_KNN_APPROX || (o->knn == SM_KNN_AUTO && m->nk > exact_max)) {
    m->nnd = prj_nnd_new(m->F, m->nk, m->df, k, o->seed);
    if (!m->nnd) {
      snprintf(err, errlen, "kNN: out of memory (%d rows, k=%d)", m->nk, k);
      return -1;
    }
    m->prep_total = prj_nnd_total(m->nnd) + 1;
  }
  return 0;
}

/* One chunk of the setup; 0 when the map is ready to step, -1 on failure (m->err). */
static int prepare_chunk(sm_map *m) {
  const sm_map_options *o = &m->o;
  if (m->stage == STAGE_NEIGHBORS) {
    int rc = 0;
    if (m->nnd) { /* one chunk of the approximate search */
      int left = prj_nnd_step(m->nnd);
      if (left > 0) {
        m->prep_done = m->prep_total - 1 - left;
        return 1;
      }
      rc = left < 0 ? -1 : prj_nnd_result(m->nnd, m->kidx, m->kd2);
      prj_nnd_free(m->nnd);
      m->nnd = NULL;
    } else {
      rc = prj_knn_exact(m->F, m->nk, m->df, m->k, m->kidx, m->kd2);
    }
    if (rc) {
      snprintf(m->err, sizeof m->err, "kNN: out of memory (%d rows, k=%d)", m->nk, m->k);
      return -1;
    }
    m->prep_done = m->prep_total - 1;
    m->stage = STAGE_GRAPH;
    return 1;
  }
  if (m->stage != STAGE_GRAPH)
    return 0;
  const int k = m->k;
  float *d2 = m->kd2;
  size_t nd = (size_t)m->nk * m->dims;
  char *err = m->err;
  size_t errlen = sizeof m->err;
  double dsum = 0.0;
  for (size_t e = 0; e < (size_t)m->nk * k; e++)
    dsum += o->metric == SM_METRIC_COSINE ? 0.5 * d2[e] : sqrt(d2[e]);
  m->mean_dist = dsum / ((double)m->nk * k);
  m->a = 1.0, m->b = 1.0; /* t-SNE's Student-t kernel */
  if (o->projection == SM_PROJ_UMAP) {
    for (size_t e = 0; e < (size_t)m->nk * k; e++)
      d2[e] = o->metric == SM_METRIC_COSINE ? 0.5f * d2[e] : sqrtf(d2[e]);
    double a, b;
    prj_umap_find_ab(o->spread, o->min_dist, &a, &b);
    m->a = a, m->b = b;
    m->umap = prj_umap_new(m->kidx, d2, m->nk, k, m->fixed, m->dims, m->total, a, b, o->seed, err,
                           errlen);
  } else {
    /* t-SNE: PCA start scaled to a deviation of 1e-4 on the first axis (openTSNE's choice) */
    if (o->metric == SM_METRIC_COSINE)
      for (size_t e = 0; e < (size_t)m->nk * k; e++)
        d2[e] *= 0.5f;
    prj_rng noise;
    prj_rng_seed(&noise, o->seed, 0x1417);
    float *init = malloc(sizeof(float) * nd);
    if (!init) {
      snprintf(err, errlen, "t-SNE: out of memory");
      return -1;
    }
    for (size_t i = 0; i < nd; i++) /* fixed has unit deviation on the first axis */
      init[i] = m->fixed[i] * 1e-4f + (float)(1e-6 * prj_rng_normal(&noise));
    m->tsne = prj_tsne_new(m->kidx, d2, m->nk, k, o->perplexity, init, m->dims, m->total, 0.5, err,
                           errlen);
    free(init);
  }
  free(m->kidx), free(m->kd2);
  m->kidx = NULL, m->kd2 = NULL;
  if (!m->umap && !m->tsne)
    return -1;
  m->prep_done++;
  m->stage = STAGE_READY;
  return 0;
}

int sm_map_prepare(sm_map *m) {
  if (!m)
    return -1;
  if (m->stage == STAGE_READY)
    return 0;
  if (prepare_chunk(m) < 0)
    return -1;
  if (m->stage == STAGE_READY)
    return 0;
  int left = m->prep_total - m->prep_done;
  return left > 0 ? left : 1;
}

int sm_map_prepare_total(const sm_map *m) { return m ? m->prep_total : 0; }

const char *sm_map_stage(const sm_map *m) {
  if (!m)
    return "done";
  if (m->stage == STAGE_NEIGHBORS)
    return "neighbours";
  if (m->stage == STAGE_GRAPH)
    return "graph";
  return m->done >= m->total ? "done" : "layout";
}

/* Rejects options that cannot make a map, brings the others back into range (their defaults
 * when they are out of it). 0, or -1 with a reason in err. */
static int check_options(sm_map_options *o, int n, int d, const float *X, char *err,
                         size_t errlen) {
  if (n < 1 || !X) {
    snprintf(err, errlen, "nothing to map: no rows");
    return -1;
  }
  if (d < 1) {
    snprintf(err, errlen, "nothing to map: rows have %d values", d);
    return -1;
  }
  if (o->projection < SM_PROJ_PCA || o->projection > SM_PROJ_TSNE) {
    snprintf(err, errlen, "unknown projection %d", (int)o->projection);
    return -1;
  }
  if (o->dims < 1 || o->dims > 3) {
    snprintf(err, errlen, "dims must be 2 or 3 (got %d)", (int)o->dims);
    return -1;
  }
  if (o->metric != SM_METRIC_EUCLIDEAN && o->metric != SM_METRIC_COSINE) {
    snprintf(err, errlen, "unknown metric %d", (int)o->metric);
    return -1;
  }
  if (o->n_neighbors < 2)
    o->n_neighbors = 2;
  if (!(o->perplexity >= 1.0f) || o->perplexity > 1e6f)
    o->perplexity = 30.0f;
  if (!(o->spread > 0.0f) || o->spread > 1e3f)
    o->spread = 1.0f;
  if (!(o->min_dist >= 0.0f) || o->min_dist > o->spread * 3.0f)
    o->min_dist = 0.1f;
  if (o->pca_dims < 1)
    o->pca_dims = 50;
  if (o->iterations < 0 || o->iterations > 100000)
    o->iterations = 0;
  if (o->standardize != 0 && o->standardize != 1) {
    snprintf(err, errlen, "standardize must be 0 or 1 (got %d)", (int)o->standardize);
    return -1;
  }
  return 0;
}

/* Sorts the n input rows into kept (every value finite) and excluded ones. */
static void split_finite_rows(sm_map *m, const float *X, int d) {
  int ne = 0;
  for (int i = 0; i < m->n; i++) {
    const float *x = X + (size_t)i * d;
    int ok = 1;
    for (int j = 0; j < d && ok; j++)
      ok = isfinite(x[j]);
    if (ok)
      m->kept[m->nk++] = i;
    else
      m->excluded[ne++] = i;
  }
}

/* Standardization of the kept rows as z = x * scale - shift (scale = 1 / sd, shift = mean / sd;
 * constant columns weigh nothing), applied on the fly through a view of the input (no
 * standardized copy of the n x d rows). 0, or -1 when out of memory. */
static int standardization(const sm_map *m, const float *X, int d, float **shift, float **scale) {
  double *mean = calloc(d, sizeof(double)), *sd = calloc(d, sizeof(double));
  float *sh = malloc(sizeof(float) * d), *sc = malloc(sizeof(float) * d);
  if (!mean || !sd || !sh || !sc) {
    free(mean), free(sd), free(sh), free(sc);
    return -1;
  }
  for (int r = 0; r < m->nk; r++)
    for (int j = 0; j < d; j++)
      mean[j] += X[(size_t)m->kept[r] * d + j];
  for (int j = 0; j < d; j++)
    mean[j] /= m->nk;
  for (int r = 0; r < m->nk; r++)
    for (int j = 0; j < d; j++) {
      double t = X[(size_t)m->kept[r] * d + j] - mean[j];
      sd[j] += t * t;
    }
  for (int j = 0; j < d; j++) {
    double s = sqrt(sd[j] / m->nk);
    double inv = s > 1e-12 * (1.0 + fabs(mean[j])) ? 1.0 / s : 0.0;
    sc[j] = (float)inv;
    sh[j] = (float)(mean[j] * inv);
  }
  free(mean), free(sd);
  *shift = sh, *scale = sc;
  return 0;
}

/* The input rows the PCA axes are fitted on: all kept rows up to PCA_FIT_MIN, else a seeded
 * sample of max(PCA_FIT_MIN, nk / 5), at most PCA_FIT_MAX, in input order (*rows NULL: all).
 * 0, or -1 when out of memory. */
static int pca_fit_rows(const sm_map *m, int **rows, int *nfit) {
  int want = m->nk / 5 > PCA_FIT_MIN ? m->nk / 5 : PCA_FIT_MIN;
  want = want < PCA_FIT_MAX ? want : PCA_FIT_MAX;
  *rows = NULL;
  *nfit = m->nk;
  if (m->nk <= want)
    return 0;
  int *fit = malloc(sizeof(int) * (size_t)m->nk);
  if (!fit)
    return -1;
  prj_rng pick;
  prj_rng_seed(&pick, m->o.seed, 0x5a3);
  int k = 0; /* selection sampling (Knuth's algorithm S): `want` rows, in order */
  for (int r = 0; r < m->nk && k < want; r++)
    if (prj_rng_below(&pick, (uint32_t)(m->nk - r)) < (uint32_t)(want - k))
      fit[k++] = m->kept[r];
  *rows = fit;
  *nfit = k;
  return 0;
}

enum { ROWS_OK = 0, ROWS_FAILED = -1, ROWS_OOM = -2 };

/* m->F: the kept rows through the view (standardized or as given), reduced to pca_dims
 * principal components when they have more values. ROWS_OK, ROWS_FAILED (reason in err) or
 * ROWS_OOM. */
static int feature_rows(sm_map *m, const prj_view *view, char *err, size_t errlen) {
  const int d = view->d;
  if (d <= m->o.pca_dims) {
    m->df = d;
    m->F = malloc(sizeof(float) * (size_t)m->nk * d);
    if (!m->F)
      return ROWS_OOM;
    for (int r = 0; r < m->nk; r++) {
      const float *x = view->X + (size_t)m->kept[r] * d;
      float *f = m->F + (size_t)r * d;
      for (int j = 0; j < d; j++)
        f[j] = view->shift ? x[j] * view->scale[j] - view->shift[j] : x[j];
    }
    return ROWS_OK;
  }
  /* the axes from a seeded sample of the rows (in input order), every row projected on them */
  int nfit, *fit_rows;
  if (pca_fit_rows(m, &fit_rows, &nfit))
    return ROWS_OOM;
  prj_view fv = *view;
  if (fit_rows)
    fv.rows = fit_rows;
  prj_pca p;
  int rc = prj_pca_fit_view(&fv, nfit, m->o.pca_dims, m->o.seed, &p, err, errlen);
  free(fit_rows);
  if (rc)
    return ROWS_FAILED;
  m->df = m->o.pca_dims;
  m->F = malloc(sizeof(float) * (size_t)m->nk * m->df);
  int bad = !m->F || prj_pca_transform_view(&p, view, m->nk, m->F);
  m->fpca = p; /* kept for sm_map_place */
  return bad ? ROWS_OOM : ROWS_OK;
}

/* Cosine metric: every row of F to unit length (zero rows stay zero). */
static void normalize_rows(sm_map *m) {
  for (int r = 0; r < m->nk; r++) {
    float *f = m->F + (size_t)r * m->df;
    double s = 0.0;
    for (int j = 0; j < m->df; j++)
      s += (double)f[j] * f[j];
    if (s > 0)
      for (int j = 0; j < m->df; j++)
        f[j] = (float)(f[j] / sqrt(s));
  }
}

sm_map *sm_map_new_with(const float *X, int n, int d, const sm_map_options *opt, char *err,
                        size_t errlen) {
  char dummy[8];
  if (!err || errlen == 0)
    err = dummy, errlen = sizeof dummy;
  sm_map_options o;
  if (opt)
    o = *opt;
  else
    sm_map_options_init(&o);
  if (check_options(&o, n, d, X, err, errlen))
    return NULL;

  sm_map *m = calloc(1, sizeof *m);
  if (!m)
    goto oom;
  m->o = o, m->n = n, m->dims = o.dims;
  m->kept = malloc(sizeof(int) * n);
  m->excluded = malloc(sizeof(int) * n);
  m->layout = malloc(sizeof(float) * (size_t)n * o.dims);
  if (!m->kept || !m->excluded || !m->layout)
    goto oom;
  split_finite_rows(m, X, d);
  for (size_t i = 0; i < (size_t)n * o.dims; i++)
    m->layout[i] = NAN;
  if (m->nk == 0) {
    sm_map_free(m);
    snprintf(err, errlen, "nothing to map: all %d rows hold NaN or Inf", n);
    return NULL;
  }
  float *shift = NULL, *scale = NULL;
  if (o.standardize && standardization(m, X, d, &shift, &scale))
    goto oom;
  prj_view view = {X, d, m->nk < n ? m->kept : NULL, shift, scale};
  int rows = feature_rows(m, &view, err, errlen);
  m->d = d, m->shift = shift, m->scale = scale; /* kept for sm_map_place */
  if (rows == ROWS_OOM)
    goto oom;
  if (rows == ROWS_FAILED) {
    sm_map_free(m);
    return NULL;
  }
  if (o.metric == SM_METRIC_COSINE)
    normalize_rows(m);
  if (setup_projection(m, err, errlen)) {
    sm_map_free(m);
    return NULL;
  }
  publish(m);
  if (o.clusters > 0 && sm_map_cluster(m, o.clusters, o.spherical)) {
    snprintf(err, errlen, "%s", m->err);
    sm_map_free(m);
    return NULL;
  }
  return m;
oom:
  sm_map_free(m);
  snprintf(err, errlen, "out of memory mapping %d rows of %d values", n, d);
  return NULL;
}

sm_map *sm_map_new(const float *X, int n, int d, int projection, int dims, uint32_t seed, char *err,
                   size_t errlen) {
  sm_map_options o;
  sm_map_options_init(&o);
  o.projection = projection, o.dims = dims, o.seed = seed;
  return sm_map_new_with(X, n, d, &o, err, errlen);
}

int sm_map_step(sm_map *m, int work) {
  if (!m)
    return -1;
  int r;
  while ((r = sm_map_prepare(m)) > 0) {
  }
  if (r < 0)
    return -1;
  if (work < 0)
    work = 0;
  int left;
  if (m->umap) {
    left = prj_umap_step(m->umap, work);
  } else if (m->tsne) {
    left = prj_tsne_step(m->tsne, work);
    if (left < 0) {
      snprintf(m->err, sizeof m->err, "t-SNE: out of memory building the tree");
      return -1;
    }
  } else {
    left = work > 0 ? 0 : m->total - m->done;
  }
  m->done = m->total - left;
  if (work > 0)
    publish(m);
  return left;
}

int sm_map_total_steps(const sm_map *m) { return m ? m->total : 0; }
const float *sm_map_layout(const sm_map *m) { return m ? m->layout : NULL; }
int sm_map_rows(const sm_map *m) { return m ? m->n : 0; }
int sm_map_dims(const sm_map *m) { return m ? m->dims : 0; }
int sm_map_excluded_count(const sm_map *m) { return m ? m->n - m->nk : 0; }
const int *sm_map_excluded(const sm_map *m) { return m ? m->excluded : NULL; }
const char *sm_map_error(const sm_map *m) { return m && m->err[0] ? m->err : NULL; }
const int *sm_map_clusters(const sm_map *m) { return m ? m->clusters : NULL; }
int sm_map_cluster_count(const sm_map *m) { return m ? m->nclusters : 0; }

int sm_map_cluster(sm_map *m, int k, int spherical) {
  if (!m)
    return -1;
  if (k < 1) {
    snprintf(m->err, sizeof m->err, "clusters: k must be at least 1 (got %d)", k);
    return -1;
  }
  if (k > m->nk)
    k = m->nk;
  /* the best of a few k-means++ starts (lowest inertia) */
  int *lab = malloc(sizeof(int) * m->nk), *best = malloc(sizeof(int) * m->nk);
  if (!m->clusters)
    m->clusters = malloc(sizeof(int) * m->n);
  double best_in = INFINITY;
  int fail = !lab || !best || !m->clusters;
  for (int r = 0; r < KMEANS_STARTS && !fail; r++) {
    double in;
    if (prj_kmeans(m->F, m->nk, m->df, k, spherical, (uint64_t)m->o.seed + 0x100000000ull * r, 300,
                   lab, NULL, &in) < 0)
      fail = 1;
    else if (r == 0 || in < best_in) {
      best_in = in;
      memcpy(best, lab, sizeof(int) * m->nk);
    }
  }
  free(lab);
  lab = best;
  if (fail) {
    free(lab);
    snprintf(m->err, sizeof m->err, "clusters: out of memory (k=%d)", k);
    return -1;
  }
  for (int i = 0; i < m->n; i++)
    m->clusters[i] = -1;
  for (int r = 0; r < m->nk; r++)
    m->clusters[m->kept[r]] = lab[r];
  m->nclusters = k;
  free(lab);
  return 0;
}

int sm_map_quality(const sm_map *m, int k, int queries, double *trust, double *cont) {
  if (!m)
    return -1;
  return prj_quality_tc(m->F, m->nk, m->df, current(m), m->dims, k, queries, m->o.seed, trust,
                        cont);
}

int sm_layout_quality(const float *X, int n, int d, const float *Y, int dims, int k, int queries,
                      uint32_t seed, double *trust, double *cont) {
  if (!X || !Y || !trust || !cont || n < 1 || d < 1 || dims < 1)
    return -1;
  return prj_quality_tc(X, n, d, Y, dims, k, queries, seed, trust, cont);
}

double sm_map_label_accuracy(const sm_map *m, const int *labels, int queries) {
  if (!m || !labels)
    return NAN;
  int *lab = malloc(sizeof(int) * m->nk);
  if (!lab)
    return NAN;
  for (int r = 0; r < m->nk; r++)
    lab[r] = labels[m->kept[r]];
  double acc = prj_label_accuracy(current(m), m->nk, m->dims, lab, queries, m->o.seed);
  free(lab);
  return acc;
}

void sm_map_free(sm_map *m) {
  if (!m)
    return;
  prj_umap_free(m->umap);
  prj_tsne_free(m->tsne);
  free(m->kept), free(m->excluded), free(m->F), free(m->layout), free(m->fixed);
  free(m->kidx), free(m->kd2);
  prj_nnd_free(m->nnd);
  free(m->clusters);
  free(m->shift), free(m->scale);
  prj_pca_free(&m->fpca);
  prj_pca_free(&m->lpca);
  prj_knn_ref_free(&m->ref);
  free(m);
}

/* Cosine metric: n rows of F (n x df) to unit length (zero rows stay zero). */
static void normalize(float *F, int n, int df) {
  for (int r = 0; r < n; r++) {
    float *f = F + (size_t)r * df;
    double s = 0.0;
    for (int j = 0; j < df; j++)
      s += (double)f[j] * f[j];
    if (s > 0)
      for (int j = 0; j < df; j++)
        f[j] = (float)(f[j] / sqrt(s));
  }
}

int sm_map_place(sm_map *m, const float *X, int n, int d, int first, int epochs, float *out) {
  if (!m)
    return -1;
  if (n < 0 || (n > 0 && (!X || !out)) || first < 0) {
    snprintf(m->err, sizeof m->err, "place: bad arguments (n=%d, first=%d)", n, first);
    return -1;
  }
  if (d != m->d) {
    snprintf(m->err, sizeof m->err, "place: rows have %d values, the map's %d", d, m->d);
    return -1;
  }
  int r;
  while ((r = sm_map_prepare(m)) > 0) {
  }
  if (r < 0 || n == 0)
    return r < 0 ? -1 : 0;
  const int df = m->df, dims = m->dims;
  float *F = malloc(sizeof(float) * (size_t)n * df);
  if (!F)
    goto oom;
  /* the rows as the fitted ones were made: standardized, PCA-reduced, normalized */
  prj_view view = {X, d, NULL, m->shift, m->scale};
  if (m->fpca.axes) {
    if (prj_pca_transform_view(&m->fpca, &view, n, F))
      goto oom;
  } else {
    for (int i = 0; i < n; i++)
      for (int j = 0; j < d; j++) {
        float x = X[(size_t)i * d + j];
        F[(size_t)i * d + j] = m->shift ? x * m->scale[j] - m->shift[j] : x;
      }
  }
  if (m->o.metric == SM_METRIC_COSINE)
    normalize(F, n, df);
  if (m->lpca.axes) { /* PCA projection: the fitted axes, exactly */
    int kk = m->lpca.k;
    float *T = malloc(sizeof(float) * (size_t)n * kk);
    if (!T || prj_pca_transform(&m->lpca, F, n, T)) {
      free(T);
      goto oom;
    }
    for (int i = 0; i < n; i++) {
      int fin = 1;
      for (int j = 0; j < df && fin; j++)
        fin = isfinite(F[(size_t)i * df + j]);
      for (int c = 0; c < dims; c++)
        out[(size_t)i * dims + c] = !fin ? NAN : c < kk ? T[(size_t)i * kk + c] * m->lscale : 0.0f;
    }
    free(T);
    free(F);
    return 0;
  }
  if (!m->ref.xt && prj_knn_ref_init(&m->ref, m->F, m->nk, df))
    goto oom;
  int k = m->o.n_neighbors < m->nk ? m->o.n_neighbors : m->nk;
  prj_place_ctx c = {&m->ref,
                     current(m),
                     dims,
                     k,
                     m->o.metric != SM_METRIC_COSINE,
                     m->a,
                     m->b,
                     (m->umap || m->tsne) ? (epochs < 0 ? 100 : epochs) : 0,
                     m->mean_dist,
                     m->o.seed};
  if (prj_place(&c, F, n, first, out))
    goto oom;
  free(F);
  return 0;
oom:
  free(F);
  snprintf(m->err, sizeof m->err, "place: out of memory (%d rows)", n);
  return -1;
}
