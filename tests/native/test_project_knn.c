/* kNN: distance kernels agree with each other, exact blocked kNN against brute force, NN-descent
 * recall at k = 15 against exact, determinism, duplicates and k = n - 1. */
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

int main(void) {
  /* kernels: the four-row kernel sums exactly as the one-row kernel, for every tail length */
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

  /* exact kNN against brute force in double */
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

  /* duplicates and k = n - 1 */
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

  /* NN-descent: recall at k = 15 against exact, on clustered 32-D data */
  const int m = 2500, dm = 32, km = 15;
  float *Y = make_clusters(m, dm, 10, 1.0, 9, NULL);
  int *ei = malloc(sizeof(int) * m * km), *ai = malloc(sizeof(int) * m * km),
      *bi = malloc(sizeof(int) * m * km);
  float *ed = malloc(sizeof(float) * m * km), *ad = malloc(sizeof(float) * m * km),
        *bd = malloc(sizeof(float) * m * km);
  CHECK(prj_knn_exact(Y, m, dm, km, ei, ed) == 0, "exact");
  CHECK(prj_nndescent(Y, m, dm, km, 5, ai, ad) == 0, "NN-descent runs");
  double rec = recall(ai, ei, m, km);
  printf("NN-descent recall at k=15 (n=%d, d=%d): %.4f\n", m, dm, rec);
  CHECK(rec >= 0.95, "NN-descent recall %.4f >= 0.95", rec);
  int asc = 1;
  for (int i = 0; i < m; i++)
    for (int j = 1; j < km; j++)
      asc &= ad[i * km + j] >= ad[i * km + j - 1] && ai[i * km + j] != i;
  CHECK(asc, "NN-descent rows ascend, without self");
  CHECK(prj_nndescent(Y, m, dm, km, 5, bi, bd) == 0 && memcmp(ai, bi, sizeof(int) * m * km) == 0,
        "NN-descent: same seed, same graph");
  CHECK(prj_nndescent(dup, 5, 3, 4, 1, di, dd) == 0, "NN-descent on duplicates");
  free(X), free(idx), free(idx2), free(d2), free(d22), free(all);
  free(Y), free(ei), free(ai), free(bi), free(ed), free(ad), free(bd);
  return check_report("test_project_knn");
}
