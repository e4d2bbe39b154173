/* The map API on bad and small input: n = 0, 1, 2, n < k, duplicates, constant features,
 * NaN/Inf rows excluded and reported, bad options; k-means clusters through the map. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "project/kmeans.h"
#include "project_data.h"
#include "sonomap.h"

static const char *name[3] = {"PCA", "UMAP", "t-SNE"};

/* run a map to the end; 1 when it finished with a finite layout (NaN only where excluded) */
static int run(const float *X, int n, int d, int proj, int dims, const char *what) {
  char err[200] = "";
  sm_map_options o;
  sm_map_options_init(&o);
  o.projection = proj, o.dims = dims, o.iterations = proj == SM_PROJ_PCA ? 0 : 40;
  sm_map *m = sm_map_new_with(X, n, d, &o, err, sizeof err);
  CHECK(m != NULL, "%s %s: %s", name[proj], what, err);
  if (!m)
    return 0;
  int left, guard = 0;
  while ((left = sm_map_step(m, 16)) > 0 && guard++ < 1000) {
  }
  CHECK(left == 0, "%s %s: finished (%d)", name[proj], what, left);
  const float *Y = sm_map_layout(m);
  int ok = 1, ex = 0;
  const int *exc = sm_map_excluded(m);
  for (int i = 0; i < n; i++) {
    int excluded = ex < sm_map_excluded_count(m) && exc[ex] == i;
    ex += excluded;
    for (int c = 0; c < dims; c++)
      ok &= excluded ? isnan(Y[i * dims + c]) : isfinite(Y[i * dims + c]);
  }
  CHECK(ok, "%s %s: layout finite (NaN only for excluded rows)", name[proj], what);
  sm_map_free(m);
  return ok;
}

static void test_bad_and_small_inputs(void) {
  char err[200];
  float X[40 * 8];
  for (int i = 0; i < 40 * 8; i++)
    X[i] = (float)((i * 37) % 23) - 11.0f;

  /* nothing to map */
  err[0] = 0;
  CHECK(sm_map_new(X, 0, 8, SM_PROJ_UMAP, 2, 1, err, sizeof err) == NULL && err[0], "n = 0");
  CHECK(sm_map_new(NULL, 5, 8, SM_PROJ_UMAP, 2, 1, err, sizeof err) == NULL, "no data");
  CHECK(sm_map_new(X, 5, 0, SM_PROJ_UMAP, 2, 1, err, sizeof err) == NULL, "d = 0");
  CHECK(sm_map_new(X, 5, 8, 7, 2, 1, err, sizeof err) == NULL && err[0], "unknown projection");
  CHECK(sm_map_new(X, 5, 8, SM_PROJ_UMAP, 4, 1, err, sizeof err) == NULL, "dims 4");
  sm_map *quiet = sm_map_new(X, 5, 8, SM_PROJ_UMAP, 2, 1, NULL, 0);
  CHECK(quiet != NULL, "err may be NULL");
  sm_map_free(quiet);
  CHECK(sm_map_new(X, 0, 8, SM_PROJ_UMAP, 2, 1, NULL, 0) == NULL, "n = 0 without err buffer");

  for (int p = 0; p < 3; p++) {
    run(X, 1, 8, p, 2, "n = 1");
    run(X, 2, 8, p, 2, "n = 2");
    run(X, 3, 8, p, 3, "n = 3, 3-D");
    run(X, 7, 8, p, 2, "n = 7 < k");
    run(X, 40, 1, p, 2, "d = 1");
    float dup[30 * 4];
    for (int i = 0; i < 30 * 4; i++)
      dup[i] = (float)(i % 4);
    run(dup, 30, 4, p, 2, "all rows identical");
    float half[30 * 4];
    for (int i = 0; i < 30 * 4; i++)
      half[i] = (float)((i / 4) % 2 ? i % 4 : 10 + i % 4);
    run(half, 30, 4, p, 2, "two points repeated");
    float cst[40 * 8];
    memcpy(cst, X, sizeof cst);
    for (int i = 0; i < 40; i++)
      cst[i * 8 + 2] = 5.0f, cst[i * 8 + 5] = -1e30f;
    run(cst, 40, 8, p, 2, "constant columns");
  }
}

/* constant columns carry no weight: the layout ignores them */
static void test_constant_columns(void) {
  char err[200];
  int n = 60, d = 6;
  float *A = malloc(sizeof(float) * n * d), *B = malloc(sizeof(float) * n * (d + 2));
  for (int i = 0; i < n * d; i++)
    A[i] = (float)sin(i * 0.7);
  for (int i = 0; i < n; i++) {
    memcpy(B + i * (d + 2), A + i * d, sizeof(float) * d);
    B[i * (d + 2) + d] = 3.0f, B[i * (d + 2) + d + 1] = -7.0f;
  }
  sm_map *a = sm_map_new(A, n, d, SM_PROJ_PCA, 2, 1, err, sizeof err);
  sm_map *b = sm_map_new(B, n, d + 2, SM_PROJ_PCA, 2, 1, err, sizeof err);
  CHECK(a && b, "maps");
  if (a && b) {
    double dmax = 0;
    for (int i = 0; i < 2 * n; i++) {
      double t = fabs(sm_map_layout(a)[i] - sm_map_layout(b)[i]);
      dmax = t > dmax ? t : dmax;
    }
    CHECK(dmax < 1e-4, "constant columns change nothing (%g)", dmax);
  }
  sm_map_free(a), sm_map_free(b);
  free(A), free(B);
}

/* standardize: 1 (default) makes a column's unit irrelevant, 0 leaves it; 2 is refused */
static void test_standardize(void) {
  char err[200];
  int n = 80, d = 5;
  float *A = make_clusters(n, d, 3, 1.0, 12, NULL), *B = malloc(sizeof(float) * n * d);
  for (int i = 0; i < n * d; i++)
    B[i] = (i % d == 0 ? 1000.0f : 1.0f) * A[i];
  sm_map_options o;
  sm_map_options_init(&o);
  CHECK(o.standardize == 1, "standardize defaults to 1");
  o.projection = SM_PROJ_PCA;
  double diff[2];
  for (int st = 0; st < 2; st++) {
    o.standardize = st;
    sm_map *a = sm_map_new_with(A, n, d, &o, err, sizeof err);
    sm_map *b = sm_map_new_with(B, n, d, &o, err, sizeof err);
    CHECK(a && b, "standardize %d: maps", st);
    diff[st] = INFINITY;
    if (a && b) {
      diff[st] = 0;
      for (int i = 0; i < 2 * n; i++) {
        double t = fabs(sm_map_layout(a)[i] - sm_map_layout(b)[i]);
        diff[st] = t > diff[st] ? t : diff[st];
      }
    }
    sm_map_free(a), sm_map_free(b);
  }
  CHECK(diff[1] < 1e-3, "standardized: a column's unit changes nothing (%g)", diff[1]);
  CHECK(diff[0] > 0.1, "not standardized: a column x1000 changes the map (%g)", diff[0]);
  o.standardize = 2;
  CHECK(sm_map_new_with(A, n, d, &o, err, sizeof err) == NULL && strstr(err, "standardize"),
        "standardize 2 refused: %s", err);
  /* sm_layout_quality on the map's own rows (standardize 0, no PCA) = sm_map_quality */
  o.standardize = 0;
  sm_map *a = sm_map_new_with(A, n, d, &o, err, sizeof err);
  double t1 = 0, c1 = 0, t2 = 0, c2 = 0;
  CHECK(a && sm_map_quality(a, 7, 0, &t1, &c1) == 0 &&
            sm_layout_quality(A, n, d, sm_map_layout(a), 2, 7, 0, a ? 42 : 0, &t2, &c2) == 0,
        "both quality calls run");
  CHECK(t1 == t2 && c1 == c2 && t1 < 1.0, "sm_layout_quality = sm_map_quality (%g %g)", t1, t2);
  CHECK(sm_layout_quality(A, n, d, NULL, 2, 7, 0, 1, &t2, &c2) == -1, "no layout refused");
  sm_map_free(a);
  free(A), free(B);
}

/* more rows than the PCA fit samples (5,000 here: max(5,000, n / 5)): axes from a sample,
 * every row projected; the layout still separates well separated clusters */
static void test_sampled_pca_axes(void) {
  char err[200];
  const int n = 8000, d = 60;
  int *truth = malloc(sizeof(int) * n);
  float *A = make_clusters(n, d, 4, 3.0, 8, truth);
  sm_map_options o;
  sm_map_options_init(&o);
  o.projection = SM_PROJ_PCA, o.pca_dims = 10;
  sm_map *m = sm_map_new_with(A, n, d, &o, err, sizeof err);
  CHECK(m != NULL, "PCA map of %d rows: %s", n, err);
  if (m) {
    double acc = sm_map_label_accuracy(m, truth, 2000);
    printf("PCA of %d rows (axes from a 5,000-row sample): 1-NN accuracy %.4f\n", n, acc);
    CHECK(acc > 0.9, "sampled PCA axes separate 4 clusters: %.4f", acc);
    sm_map_free(m);
  }
  free(A), free(truth);
}

/* NaN / Inf rows: excluded, reported, NaN in the layout */
static void test_nan_rows(void) {
  char err[200];
  int n = 50, d = 5;
  float *A = malloc(sizeof(float) * n * d);
  for (int i = 0; i < n * d; i++)
    A[i] = (float)cos(i * 1.3);
  A[3 * d + 1] = NAN, A[17 * d + 4] = INFINITY, A[49 * d] = -INFINITY;
  for (int p = 0; p < 3; p++) {
    sm_map *m = sm_map_new(A, n, d, p, 2, 1, err, sizeof err);
    CHECK(m != NULL, "%s with NaN rows: %s", name[p], err);
    if (!m)
      continue;
    const int *ex = sm_map_excluded(m);
    CHECK(sm_map_excluded_count(m) == 3 && ex[0] == 3 && ex[1] == 17 && ex[2] == 49,
          "%s: rows 3, 17, 49 reported", name[p]);
    while (sm_map_step(m, 200) > 0) {
    }
    const float *Y = sm_map_layout(m);
    CHECK(isnan(Y[3 * 2]) && isnan(Y[17 * 2 + 1]) && isfinite(Y[4 * 2]) && isfinite(Y[48 * 2 + 1]),
          "%s: excluded rows are NaN, others finite", name[p]);
    sm_map_free(m);
  }
  run(A, n, d, SM_PROJ_UMAP, 3, "NaN rows, 3-D");
  for (int i = 0; i < 4; i++)
    A[i * d] = NAN;
  err[0] = 0;
  CHECK(sm_map_new(A, 4, d, SM_PROJ_UMAP, 2, 1, err, sizeof err) == NULL && strstr(err, "NaN"),
        "all rows NaN: refused with a reason (%s)", err);
  free(A);
}

/* k-means: 4 well separated blobs found exactly, plain and spherical */
static void test_kmeans(void) {
  float B[200 * 2];
  int lab[200], truth[200];
  const float cx[4] = {10, -10, 0, 0}, cy[4] = {0, 0, 10, -10};
  for (int i = 0; i < 200; i++) {
    truth[i] = i % 4;
    B[2 * i] = cx[i % 4] + (float)sin(i * 2.1), B[2 * i + 1] = cy[i % 4] + (float)cos(i * 1.7);
  }
  for (int sph = 0; sph < 2; sph++) {
    CHECK(prj_kmeans(B, 200, 2, 4, sph, 1, 100, lab, NULL, NULL) >= 0, "k-means runs");
    int ok = 1;
    for (int i = 0; i < 200; i++)
      for (int j = 0; j < 200; j++)
        ok &= (lab[i] == lab[j]) == (truth[i] == truth[j]);
    CHECK(ok, "k-means (spherical %d) recovers 4 blobs", sph);
  }
  CHECK(prj_kmeans(B, 3, 2, 10, 0, 1, 100, lab, NULL, NULL) >= 0 && lab[0] != lab[1] &&
            lab[1] != lab[2],
        "k > n: each point its own cluster");
  float same[10 * 2] = {0};
  CHECK(prj_kmeans(same, 10, 2, 3, 1, 1, 100, lab, NULL, NULL) >= 0, "identical points");
}

/* clusters through the map: purity on 10 Gaussian clusters */
static void test_map_clusters(void) {
  char err[200];
  const int n = 600, d = 32;
  int *truth = malloc(sizeof(int) * n);
  float *A = make_clusters(n, d, 10, 1.0, 4, truth);
  A[5 * d] = NAN;
  sm_map_options o;
  sm_map_options_init(&o);
  o.projection = SM_PROJ_PCA, o.clusters = 10;
  for (int sph = 0; sph < 2; sph++) {
    o.spherical = sph;
    sm_map *m = sm_map_new_with(A, n, d, &o, err, sizeof err);
    CHECK(m != NULL, "map with clusters: %s", err);
    if (!m)
      continue;
    const int *cl = sm_map_clusters(m);
    CHECK(cl && sm_map_cluster_count(m) == 10 && cl[5] == -1, "clusters exposed, -1 excluded");
    int agree = 0, pairs = 0;
    for (int i = 0; i < n; i++)
      for (int j = i + 1; j < n; j++) {
        if (i == 5 || j == 5)
          continue;
        pairs++;
        agree += (cl[i] == cl[j]) == (truth[i] == truth[j]);
      }
    double rand_index = (double)agree / pairs;
    printf("k-means (spherical %d) Rand index against the truth: %.4f\n", sph, rand_index);
    CHECK(rand_index >= 0.95, "Rand index %.4f", rand_index);
    int again[600];
    memcpy(again, cl, sizeof(int) * n);
    CHECK(sm_map_cluster(m, 10, sph) == 0 &&
              memcmp(again, sm_map_clusters(m), sizeof(int) * n) == 0,
          "reclustering with the same seed gives the same labels");
    CHECK(sm_map_cluster(m, 3, sph) == 0 && sm_map_cluster_count(m) == 3, "recluster with k=3");
    CHECK(sm_map_cluster(m, 0, sph) == -1 && sm_map_error(m), "k = 0 refused");
    sm_map_free(m);
  }
  free(A), free(truth);
}

/* the setup in chunks: the PCA layout at once, then the neighbours, the graph, the layout;
 * stepping straight away (the setup done inside the first step) gives the same layout */
static void test_chunked_setup(void) {
  for (int proj = SM_PROJ_UMAP; proj <= SM_PROJ_TSNE; proj++) {
    const int n = 400, d = 12;
    float *A = make_clusters(n, d, 4, 2.0, 21, NULL);
    char err[200] = "";
    sm_map_options o;
    sm_map_options_init(&o);
    o.projection = proj, o.iterations = 30;
    o.knn = proj == SM_PROJ_UMAP ? SM_KNN_APPROX
                                 : SM_KNN_EXACT; /* NN-descent in chunks, exact in one */
    sm_map *a = sm_map_new_with(A, n, d, &o, err, sizeof err),
           *b = sm_map_new_with(A, n, d, &o, err, sizeof err);
    CHECK(a && b, "%s: chunked setup maps: %s", name[proj], err);
    if (a && b) {
      CHECK(!strcmp(sm_map_stage(a), "neighbours"), "%s starts finding neighbours (%s)", name[proj],
            sm_map_stage(a));
      const float *Y = sm_map_layout(a);
      int finite = 1;
      float spread = 0;
      for (int i = 0; i < n * 2; i++)
        finite &= isfinite(Y[i]), spread = fabsf(Y[i]) > spread ? fabsf(Y[i]) : spread;
      CHECK(finite && spread > 0, "%s: the PCA layout is there before the setup", name[proj]);
      int left, chunks = 0, prev = sm_map_prepare_total(a) + 1;
      while ((left = sm_map_prepare(a)) > 0 && chunks < 100) {
        CHECK(left < prev, "%s: setup counts down (%d -> %d)", name[proj], prev, left);
        prev = left, chunks++;
      }
      CHECK(left == 0 && chunks >= (proj == SM_PROJ_UMAP ? 3 : 1) &&
                !strcmp(sm_map_stage(a), "layout"),
            "%s: setup done in %d chunks, stage %s", name[proj], chunks, sm_map_stage(a));
      while (sm_map_step(a, 7) > 0) {
      }
      while (sm_map_step(b, 30) > 0) {
      }
      CHECK(!strcmp(sm_map_stage(a), "done"), "%s: stage done", name[proj]);
      CHECK(!memcmp(sm_map_layout(a), sm_map_layout(b), sizeof(float) * n * 2),
            "%s: prepared in chunks = prepared by the first step", name[proj]);
    }
    sm_map_free(a), sm_map_free(b);
    free(A);
  }
}

int main(void) {
  test_bad_and_small_inputs();
  test_constant_columns();
  test_standardize();
  test_sampled_pca_axes();
  test_nan_rows();
  test_kmeans();
  test_map_clusters();
  test_chunked_setup();
  sm_map *pm = sm_map_new(NULL, 0, 0, SM_PROJ_PCA, 2, 1, NULL, 0);
  CHECK(!pm && sm_map_prepare(NULL) == -1 && !strcmp(sm_map_stage(NULL), "done"), "NULL maps");
  return check_report("test_project_map");
}
