/* sm_map_place: rows placed in a map fitted on a sample land in their own cluster about as
 * often as in a full fit, the same places whatever the blocks, NaN rows NaN, bad calls
 * refused with a reason; PCA maps place the rows on their own axes exactly. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "project/knn.h"
#include "project/quality.h"
#include "project/vec.h"
#include "project_data.h"
#include "sonomap.h"

enum { N = 900, D = 64, C = 5, DIMS = 2 }; /* C prime to 3: every label sampled */

static const char *name[3] = {"PCA", "UMAP", "t-SNE"};

static sm_map *fit(const float *X, int n, int proj, int metric) {
  char err[200] = "";
  sm_map_options o;
  sm_map_options_init(&o);
  o.projection = proj, o.dims = DIMS, o.metric = metric, o.seed = 7;
  o.iterations = proj == SM_PROJ_TSNE ? 400 : 0;
  sm_map *m = sm_map_new_with(X, n, D, &o, err, sizeof err);
  CHECK(m != NULL, "%s: %s", name[proj], err);
  while (m && sm_map_step(m, 50) > 0) {
  }
  return m;
}

/* Fraction of the np rows at P whose nearest of the ns rows at Ys (in the layout) shares
 * their label. */
static double accuracy(const float *P, const int *lp, int np, const float *Ys, const int *ls,
                       int ns) {
  int hit = 0;
  for (int i = 0; i < np; i++) {
    double best = INFINITY;
    int bl = -1;
    for (int j = 0; j < ns; j++) {
      double dx = P[i * DIMS] - Ys[j * DIMS], dy = P[i * DIMS + 1] - Ys[j * DIMS + 1];
      if (dx * dx + dy * dy < best)
        best = dx * dx + dy * dy, bl = ls[j];
    }
    hit += bl == lp[i];
  }
  return (double)hit / np;
}

/* Fit on every third row, place the rest; the placed rows' 1-NN label accuracy among the
 * fitted rows in the layout, against the same figure in a full fit of all rows. */
static void test_clusters(int proj, int metric) {
  int *lab = malloc(sizeof(int) * N);
  float *X = make_clusters(N, D, C, 0.45, 11, lab);
  int ns = N / 3, np = N - ns;
  float *Xs = malloc(sizeof(float) * (size_t)ns * D), *Xp = malloc(sizeof(float) * (size_t)np * D);
  int *ls = malloc(sizeof(int) * ns), *lp = malloc(sizeof(int) * np);
  for (int i = 0, a = 0, b = 0; i < N; i++)
    if (i % 3 == 0)
      memcpy(Xs + (size_t)a * D, X + (size_t)i * D, sizeof(float) * D), ls[a++] = lab[i];
    else
      memcpy(Xp + (size_t)b * D, X + (size_t)i * D, sizeof(float) * D), lp[b++] = lab[i];
  sm_map *full = fit(X, N, proj, metric), *m = fit(Xs, ns, proj, metric);
  if (!full || !m)
    goto done;
  float *P = malloc(sizeof(float) * (size_t)np * DIMS);
  CHECK(sm_map_place(m, Xp, np, D, 0, -1, P) == 0, "%s: place (%s)", name[proj],
        sm_map_error(m) ? sm_map_error(m) : "");
  const float *Ys = sm_map_layout(m), *Yf = sm_map_layout(full);
  float *Fs = malloc(sizeof(float) * (size_t)ns * DIMS),
        *Fp = malloc(sizeof(float) * (size_t)np * DIMS);
  for (int i = 0, a = 0, b = 0; i < N; i++)
    memcpy(i % 3 == 0 ? Fs + (size_t)a++ * DIMS : Fp + (size_t)b++ * DIMS, Yf + (size_t)i * DIMS,
           sizeof(float) * DIMS);
  double acc_full = accuracy(Fp, lp, np, Fs, ls, ns);
  free(Fs), free(Fp);
  double acc = accuracy(P, lp, np, Ys, ls, ns);
  double data, loo = sm_map_label_accuracy(m, ls, 0);
  { /* the same figure in the data: what the neighbours a row is placed by can give */
    int hit = 0;
    for (int i = 0; i < np; i++) {
      double best = INFINITY;
      int bl = -1;
      for (int j = 0; j < ns; j++) {
        double dd = 0;
        for (int c = 0; c < D; c++)
          dd += (Xp[(size_t)i * D + c] - Xs[(size_t)j * D + c]) *
                (Xp[(size_t)i * D + c] - Xs[(size_t)j * D + c]);
        if (dd < best)
          best = dd, bl = ls[j];
      }
      hit += bl == lp[i];
    }
    data = (double)hit / np;
  }
  printf("%s%s: placed rows' 1-NN accuracy %.3f; full fit %.3f, the sample's map (leave one "
         "out) %.3f, in the data %.3f\n",
         name[proj], metric ? " cosine" : "", acc, acc_full, loo, data);
  /* a map of a third of the rows is itself a little less sharp than the full one: the placed
   * rows are held to within 0.1 of the full fit, 0.05 of the sample's own map, and to the
   * data's own 1-NN figure */
  CHECK(acc >= acc_full - 0.1 && acc >= loo - 0.05 && acc >= data - 0.02,
        "%s: placed %.3f vs full %.3f, sample %.3f, data %.3f", name[proj], acc, acc_full, loo,
        data);

  /* blocks of 1, 7 and the rest: the same places, bit for bit */
  float *Q = malloc(sizeof(float) * (size_t)np * DIMS);
  int ok = sm_map_place(m, Xp, 1, D, 0, -1, Q) == 0;
  ok &= sm_map_place(m, Xp + D, 7, D, 1, -1, Q + DIMS) == 0;
  ok &= sm_map_place(m, Xp + 8 * D, np - 8, D, 8, -1, Q + 8 * DIMS) == 0;
  CHECK(ok && memcmp(P, Q, sizeof(float) * (size_t)np * DIMS) == 0, "%s: blocks give the same",
        name[proj]);
  /* the map itself did not move */
  CHECK(sm_map_layout(m) == Ys, "%s: layout kept", name[proj]);
  free(P), free(Q);
done:
  sm_map_free(full), sm_map_free(m);
  free(X), free(Xs), free(Xp), free(lab), free(ls), free(lp);
}

static void test_pca_exact(void) {
  float *X = make_clusters(300, D, 4, 2.0, 5, NULL);
  sm_map *m = fit(X, 300, SM_PROJ_PCA, SM_METRIC_EUCLIDEAN);
  float *P = malloc(sizeof(float) * 300 * DIMS);
  CHECK(m && sm_map_place(m, X, 300, D, 0, -1, P) == 0, "PCA: place");
  double worst = 0;
  for (int i = 0; m && i < 300 * DIMS; i++)
    worst = fmax(worst, fabs(P[i] - sm_map_layout(m)[i]));
  CHECK(worst < 1e-3, "PCA: the map's own rows placed where they are (%.3g)", worst);
  sm_map_free(m);
  free(P), free(X);
}

static void test_bad_calls(void) {
  float *X = make_clusters(200, D, 4, 2.0, 9, NULL);
  sm_map *m = fit(X, 200, SM_PROJ_UMAP, SM_METRIC_EUCLIDEAN);
  float out[3 * DIMS];
  CHECK(sm_map_place(m, X, 3, D - 1, 0, -1, out) == -1 && sm_map_error(m), "wrong width");
  CHECK(sm_map_place(m, X, -1, D, 0, -1, out) == -1, "n < 0");
  CHECK(sm_map_place(m, NULL, 3, D, 0, -1, out) == -1, "no rows");
  CHECK(sm_map_place(m, X, 0, D, 0, -1, out) == 0, "n = 0");
  CHECK(sm_map_place(NULL, X, 3, D, 0, -1, out) == -1, "no map");
  float Y[3 * D];
  memcpy(Y, X, sizeof Y);
  Y[D + 5] = NAN;
  CHECK(sm_map_place(m, Y, 3, D, 0, -1, out) == 0, "a NaN row");
  CHECK(isnan(out[DIMS]) && isnan(out[DIMS + 1]) && isfinite(out[0]) && isfinite(out[2 * DIMS]),
        "the NaN row NaN, the others placed");
  CHECK(sm_map_place(m, Y, 3, D, 0, 0, out) == 0 && isfinite(out[0]), "0 epochs: the mean");
  sm_map_free(m);
  /* a map of one row places everything on it */
  sm_map *one = fit(X, 1, SM_PROJ_UMAP, SM_METRIC_EUCLIDEAN);
  CHECK(one && sm_map_place(one, X + D, 3, D, 0, -1, out) == 0 && out[0] == sm_map_layout(one)[0],
        "one-row map");
  sm_map_free(one);
  free(X);
}

/* prj_knn_query against a plain scan: the same neighbours in the same order, bit for bit. */
static void test_knn_query(void) {
  enum { NR = 600, NQ = 77, DQ = 37, K = 9 };
  float *R = make_clusters(NR, DQ, 5, 1.0, 21, NULL), *Q = make_clusters(NQ, DQ, 5, 1.0, 22, NULL);
  int idx[NQ * K], bidx[K];
  float d2[NQ * K], bd2[K];
  prj_knn_ref ref;
  CHECK(prj_knn_ref_init(&ref, R, NR, DQ) == 0, "reference");
  CHECK(prj_knn_query(&ref, Q, NQ, K, idx, d2) == 0, "query");
  int same = 1;
  for (int q = 0; q < NQ; q++) {
    int cnt = 0;
    for (int r = 0; r < NR; r++)
      prj_heap_push(bd2, bidx, &cnt, K, prj_l2sq(Q + (size_t)q * DQ, R + (size_t)r * DQ, DQ), r);
    prj_heap_sort(bd2, bidx, K);
    same &= !memcmp(bidx, idx + q * K, sizeof bidx) && !memcmp(bd2, d2 + q * K, sizeof bd2);
  }
  CHECK(same, "query = plain scan");
  CHECK(prj_knn_query(&ref, Q, NQ, NR + 1, idx, d2) == -1, "k > rows refused");
  prj_knn_ref_free(&ref);
  free(R), free(Q);
}

int main(void) {
  test_knn_query();
  test_clusters(SM_PROJ_UMAP, SM_METRIC_EUCLIDEAN);
  test_clusters(SM_PROJ_UMAP, SM_METRIC_COSINE);
  test_clusters(SM_PROJ_TSNE, SM_METRIC_EUCLIDEAN);
  test_pca_exact();
  test_bad_calls();
  return check_report("project_place");
}
