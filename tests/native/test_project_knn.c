/* kNN: distance kernels agree with each other, exact blocked kNN against brute force and against
 * the direct computation it replaced (bit for bit), NN-descent recall at k = 15 and through the
 * two-hop expansion at k > 30 against exact, stepped = one-shot, determinism, duplicates,
 * k = n - 1 and k > n - 1. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "project/knn.h"
#include "project/nndescent.h"
#include "project/rng.h"
#include "project/vec.h"
#include "project_data.h"

typedef struct {
  double d;
  int i;
} bf;

static int cmp_bf(const void *pa, const void *pb) {
  const bf *a = pa, *b = pb;
  if (a->d != b->d)
    return a->d < b->d ? -1 : 1;
  return a->i - b->i;
}

static double recall(const int *a, const int *b, int n, int k) {
  long hit = 0;
  for (int i = 0; i < n; i++)
    for (int x = 0; x < k; x++)
      for (int y = 0; y < k; y++)
        if (a[(size_t)i * k + x] == b[(size_t)i * k + y]) {
          hit++;
          break;
        }
  return (double)hit / ((double)n * k);
}

/* the direct exact kNN the blocked filter replaced: every pair through prj_l2sq and the heap */
static void direct_knn(const float *X, int n, int d, int k, int *idx, float *d2) {
  int *cnt = calloc(n, sizeof(int));
  for (int q = 0; q < n; q++)
    for (int r = 0; r < n; r++)
      if (r != q)
        prj_heap_push(d2 + (size_t)q * k, idx + (size_t)q * k, &cnt[q], k,
                      prj_l2sq(X + (size_t)q * d, X + (size_t)r * d, d), r);
  for (int q = 0; q < n; q++)
    prj_heap_sort(d2 + (size_t)q * k, idx + (size_t)q * k, k);
  free(cnt);
}

/* rows ascend by distance, hold no self and no repeated neighbour */
static int rows_ok(const int *idx, const float *d2, int n, int k) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < k; j++) {
      if (idx[i * k + j] == i || idx[i * k + j] < 0 || idx[i * k + j] >= n)
        return 0;
      if (j && d2[i * k + j] < d2[i * k + j - 1])
        return 0;
      for (int t = 0; t < j; t++)
        if (idx[i * k + t] == idx[i * k + j])
          return 0;
    }
  return 1;
}

/* NN-descent through prj_nnd_step against prj_nndescent, and its recall against exact */
static double nnd_case(const float *X, int n, int d, int k, uint64_t seed, const char *what) {
  size_t m = (size_t)n * k;
  int *ei = malloc(sizeof(int) * m), *ai = malloc(sizeof(int) * m), *bi = malloc(sizeof(int) * m);
  float *ed = malloc(sizeof(float) * m), *ad = malloc(sizeof(float) * m),
        *bd = malloc(sizeof(float) * m);
  CHECK(prj_knn_exact(X, n, d, k, ei, ed) == 0, "%s: exact", what);
  CHECK(prj_nndescent(X, n, d, k, seed, ai, ad) == 0, "%s: NN-descent runs", what);
  CHECK(rows_ok(ai, ad, n, k), "%s: rows ascend, without self or repeats", what);
  prj_nnd *s = prj_nnd_new(X, n, d, k, seed);
  CHECK(s != NULL, "%s: prj_nnd_new", what);
  int total = prj_nnd_total(s), left = total, steps = 0, monotone = 1;
  while (left > 0) {
    int l = prj_nnd_step(s);
    monotone &= l < left && l >= 0;
    left = l, steps++;
  }
  CHECK(monotone && steps <= total && prj_nnd_step(s) == 0, "%s: %d steps of at most %d", what,
        steps, total);
  CHECK(prj_nnd_result(s, bi, bd) == 0, "%s: stepped result", what);
  prj_nnd_free(s);
  CHECK(memcmp(ai, bi, sizeof(int) * m) == 0 && memcmp(ad, bd, sizeof(float) * m) == 0,
        "%s: stepped = one-shot (so also: same seed, same graph)", what);
  double rec = recall(ai, ei, n, k);
  printf("%s: recall %.4f\n", what, rec);
  free(ei), free(ai), free(bi), free(ed), free(ad), free(bd);
  return rec;
}

/* kernels: the four-row kernel sums exactly as the one-row kernel, for every tail length */
static void test_distance_kernels(void) {
  prj_rng r;
  prj_rng_seed(&r, 1, 2);
  float buf[5 * 40];
  for (int i = 0; i < 200; i++)
    buf[i] = (float)prj_rng_normal(&r);
  int same = 1;
  for (int d = 0; d <= 40; d++) {
    float o[4];
    prj_l2sq_x4(buf, buf + 40, buf + 80, buf + 120, buf + 160, d, o);
    for (int j = 0; j < 4; j++)
      same &= o[j] == prj_l2sq(buf + 40 * j, buf + 160, d);
    double ref = 0;
    for (int j = 0; j < d; j++)
      ref += ((double)buf[j] - buf[160 + j]) * ((double)buf[j] - buf[160 + j]);
    CHECK(fabs(o[0] - ref) <= 1e-5 * (ref + 1), "l2sq d=%d: %g vs %g", d, o[0], ref);
    double dot = 0;
    for (int j = 0; j < d; j++)
      dot += (double)buf[j] * buf[40 + j];
    CHECK(fabs(prj_dot(buf, buf + 40, d) - dot) <= 1e-5 * (fabs(dot) + 1), "dot d=%d", d);
  }
  CHECK(same, "prj_l2sq_x4 and prj_l2sq agree bit for bit");
  /* the transposed four-query dot kernel against double, for every d up to 11 and m = 16 */
  {
    float q[4 * 11], rt[11 * 20], out[4 * 16];
    int ok = 1;
    for (int d = 1; d <= 11; d++) {
      for (int i = 0; i < 4 * d; i++)
        q[i] = (float)prj_rng_normal(&r);
      for (int i = 0; i < d * 20; i++)
        rt[i] = (float)prj_rng_normal(&r);
      prj_dot_4xt(q, d, rt, 20, 16, out);
      for (int j = 0; j < 4; j++)
        for (int c = 0; c < 16; c++) {
          double ref = 0, mag = 0;
          for (int t = 0; t < d; t++)
            ref += (double)q[j * d + t] * rt[t * 20 + c],
                mag += fabs(q[j * d + t] * rt[t * 20 + c]);
          ok &= fabs(out[j * 16 + c] - ref) <= 1e-6 * (mag + 1);
        }
    }
    CHECK(ok, "prj_dot_4xt = q . r");
  }
}

/* exact kNN against brute force in double */
static void test_exact_vs_brute_force(void) {
  const int n = 701, d = 37, k = 10;
  float *X = make_clusters(n, d, 5, 1.0, 3, NULL);
  int *idx = malloc(sizeof(int) * n * k), *idx2 = malloc(sizeof(int) * n * k);
  float *d2 = malloc(sizeof(float) * n * k), *d22 = malloc(sizeof(float) * n * k);
  bf *all = malloc(sizeof(bf) * n);
  CHECK(prj_knn_exact(X, n, d, k, idx, d2) == 0, "exact kNN runs");
  long idx_same = 0;
  int dist_ok = 1, self = 0;
  for (int i = 0; i < n; i++) {
    int c = 0;
    for (int j = 0; j < n; j++) {
      if (j == i)
        continue;
      double s = 0;
      for (int t = 0; t < d; t++) {
        double u = (double)X[i * d + t] - X[j * d + t];
        s += u * u;
      }
      all[c].d = s, all[c].i = j, c++;
    }
    qsort(all, c, sizeof(bf), cmp_bf);
    for (int j = 0; j < k; j++) {
      idx_same += idx[i * k + j] == all[j].i;
      dist_ok &= fabs(d2[i * k + j] - all[j].d) <= 1e-4 * all[j].d;
      self |= idx[i * k + j] == i;
      if (j)
        dist_ok &= d2[i * k + j] >= d2[i * k + j - 1];
    }
  }
  CHECK(idx_same >= (long)(0.999 * n * k), "exact kNN = brute force: %ld of %d", idx_same, n * k);
  CHECK(dist_ok, "distances match brute force and ascend");
  CHECK(!self, "a point is not its own neighbour");
  free(X), free(idx), free(idx2), free(d2), free(d22), free(all);
}

/* the filtered blocked kernel gives what the direct computation gives, bit for bit: clustered
 * rows (n not a multiple of the blocks, d with a tail), rows far from the origin (large
 * norms: the filter's rounding matters most), and rows with many ties */
static void test_blocked_kernel(void) {
  const int cn[3] = {701, 600, 530}, cd[3] = {37, 50, 9}, ck[3] = {10, 90, 20};
  for (int c = 0; c < 3; c++) {
    float *Z = make_clusters(cn[c], cd[c], 7, 2.0, 11 + c, NULL);
    for (int i = 0; i < cn[c] * cd[c]; i++) {
      if (c == 1)
        Z[i] += 300.0f;
      if (c == 2)
        Z[i] = (float)(int)(Z[i] * 1.5f);
    }
    size_t m = (size_t)cn[c] * ck[c];
    int *ia = malloc(sizeof(int) * m), *ib = malloc(sizeof(int) * m);
    float *da = malloc(sizeof(float) * m), *db = malloc(sizeof(float) * m);
    CHECK(prj_knn_exact(Z, cn[c], cd[c], ck[c], ia, da) == 0, "exact kNN case %d", c);
    direct_knn(Z, cn[c], cd[c], ck[c], ib, db);
    CHECK(memcmp(ia, ib, sizeof(int) * m) == 0 && memcmp(da, db, sizeof(float) * m) == 0,
          "exact kNN case %d (n=%d d=%d k=%d) = direct computation, bit for bit", c, cn[c], cd[c],
          ck[c]);
    free(Z), free(ia), free(ib), free(da), free(db);
  }
}

/* duplicates and k = n - 1 */
static void test_duplicates(void) {
  float dup[5 * 3] = {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3};
  int di[5 * 4];
  float dd[5 * 4];
  CHECK(prj_knn_exact(dup, 5, 3, 4, di, dd) == 0, "duplicates, k = n - 1");
  int zero = 1, perm = 1;
  for (int i = 0; i < 5; i++) {
    int seen = 0;
    for (int j = 0; j < 4; j++)
      zero &= dd[i * 4 + j] == 0.0f, seen |= 1 << di[i * 4 + j];
    perm &= seen == (0x1f & ~(1 << i));
  }
  CHECK(zero && perm, "duplicates: all others at distance 0");
  CHECK(prj_knn_exact(dup, 5, 3, 5, di, dd) == -1, "k > n - 1 refused");
  CHECK(prj_nndescent(dup, 5, 3, 4, 1, di, dd) == 0, "NN-descent on duplicates, k = n - 1");
  CHECK(prj_nndescent(dup, 5, 3, 5, 1, di, dd) == -1 && prj_nnd_new(dup, 5, 3, 5, 1) == NULL,
        "NN-descent: k > n - 1 refused");
  CHECK(prj_nnd_new(dup, 1, 3, 1, 1) == NULL && prj_nnd_new(dup, 5, 3, 0, 1) == NULL,
        "NN-descent: n < 2 and k < 1 refused");
}

/* NN-descent on the hard part of the benchmark's shape: one cluster of isotropic Gaussian
 * noise in 50 dimensions (the highest intrinsic dimension the rows can have) */
static void test_nndescent_recall(void) {
  const int m = 1200, dm = 50;
  float *Y = make_clusters(m, dm, 1, 1.0, 9, NULL);
  double rec = nnd_case(Y, m, dm, 15, 5, "NN-descent k=15, 1200 x 50");
  CHECK(rec >= 0.95, "NN-descent recall at k = 15: %.4f >= 0.95", rec);
  rec = nnd_case(Y, 800, dm, 14, 3, "NN-descent k=14, 800 x 50");
  CHECK(rec >= 0.95, "NN-descent recall at k = 14: %.4f >= 0.95", rec);
  rec = nnd_case(Y, 700, dm, 90, 5, "NN-descent k=90 (two-hop expansion), 700 x 50");
  CHECK(rec >= 0.95, "NN-descent recall at k = 90: %.4f >= 0.95", rec);
  /* k = n - 1, on both paths: every other row, exactly */
  for (int c = 0; c < 2; c++) {
    int nn = c ? 41 : 16, kk = nn - 1;
    int *ni = malloc(sizeof(int) * nn * kk), *xi = malloc(sizeof(int) * nn * kk);
    float *ndd = malloc(sizeof(float) * nn * kk), *xd = malloc(sizeof(float) * nn * kk);
    CHECK(prj_nndescent(Y, nn, dm, kk, 2, ni, ndd) == 0 &&
              prj_knn_exact(Y, nn, dm, kk, xi, xd) == 0,
          "k = n - 1 = %d", kk);
    CHECK(memcmp(ni, xi, sizeof(int) * nn * kk) == 0, "k = n - 1 = %d: NN-descent = exact", kk);
    free(ni), free(xi), free(ndd), free(xd);
  }
  free(Y);
}

/* duplicates: 300 copies of one row (all ties), on both paths */
static void test_nndescent_ties(void) {
  const int nn = 300;
  float *Z = malloc(sizeof(float) * nn * 3);
  for (int i = 0; i < nn * 3; i++)
    Z[i] = (float)(i % 3);
  int *zi = malloc(sizeof(int) * nn * 40);
  float *zd = malloc(sizeof(float) * nn * 40);
  for (int c = 0; c < 2; c++) {
    int kk = c ? 40 : 15, zero = 1;
    CHECK(prj_nndescent(Z, nn, 3, kk, 1, zi, zd) == 0, "NN-descent on duplicates, k = %d", kk);
    for (int i = 0; i < nn * kk; i++)
      zero &= zd[i] == 0.0f;
    CHECK(zero && rows_ok(zi, zd, nn, kk), "duplicates, k = %d: distinct others at 0", kk);
  }
  free(Z), free(zi), free(zd);
}

int main(void) {
  test_distance_kernels();
  test_exact_vs_brute_force();
  test_blocked_kernel();
  test_duplicates();
  test_nndescent_recall();
  test_nndescent_ties();
  return check_report("test_project_knn");
}
