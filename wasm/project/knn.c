/* knn.c — exact blocked kNN (see knn.h). */
#include "project/knn.h"

#include <stdlib.h>
#include <string.h>

#include "project/vec.h"

static void sift_down(float *hd, int *hi, int cnt, int i) {
  for (;;) {
    int l = 2 * i + 1, r = l + 1, m = i;
    if (l < cnt && prj_heap_worse(hd[l], hi[l], hd[m], hi[m]))
      m = l;
    if (r < cnt && prj_heap_worse(hd[r], hi[r], hd[m], hi[m]))
      m = r;
    if (m == i)
      return;
    float td = hd[i];
    int ti = hi[i];
    hd[i] = hd[m], hi[i] = hi[m];
    hd[m] = td, hi[m] = ti;
    i = m;
  }
}

int prj_heap_push(float *hd, int *hi, int *cnt, int k, float dist, int id) {
  if (*cnt < k) {
    int i = (*cnt)++;
    hd[i] = dist, hi[i] = id;
    while (i > 0) {
      int p = (i - 1) / 2;
      if (!prj_heap_worse(hd[i], hi[i], hd[p], hi[p]))
        break;
      float td = hd[i];
      int ti = hi[i];
      hd[i] = hd[p], hi[i] = hi[p];
      hd[p] = td, hi[p] = ti;
      i = p;
    }
    return 1;
  }
  if (!prj_heap_worse(hd[0], hi[0], dist, id))
    return 0;
  hd[0] = dist, hi[0] = id;
  sift_down(hd, hi, *cnt, 0);
  return 1;
}

void prj_heap_sort(float *hd, int *hi, int cnt) {
  for (int end = cnt - 1; end > 0; end--) {
    float td = hd[0];
    int ti = hi[0];
    hd[0] = hd[end], hi[0] = hi[end];
    hd[end] = td, hi[end] = ti;
    sift_down(hd, hi, end, 0);
  }
}

#define QB 64  /* queries per block (16 groups of four) */
#define RB 256 /* reference rows per block, a multiple of 8 */

/* Exact kNN in two passes per pair block: q . r for 4 queries x RB references at once
 * (prj_dot_4xt on a transposed copy of the rows), which rules out every pair whose
 * |q|^2 + |r|^2 - 2 q.r exceeds the query's current k-th distance by more than its rounding
 * bound; the pairs left get their distance from prj_l2sq and go to the heap. Those pairs are
 * a superset of the k nearest, so the result is the one the direct computation gives, bit
 * for bit, whatever the rounding of the filter. */
int prj_knn_exact(const float *X, int n, int d, int k, int *idx, float *d2) {
  if (!X || n < 2 || d < 1 || k < 1 || k > n - 1)
    return -1;
  const int nb = (n + RB - 1) / RB;
  int *cnt = calloc(n, sizeof(int));
  float *nrm = malloc(sizeof(float) * n);
  float *xt = malloc(sizeof(float) * (size_t)nb * RB * d); /* block b: d x RB, transposed */
  float *qb = malloc(sizeof(float) * 4 * (size_t)d);
  float *dots = malloc(sizeof(float) * 4 * RB);
  int rc = -1;
  if (!cnt || !nrm || !xt || !qb || !dots)
    goto done;
  for (int i = 0; i < n; i++)
    nrm[i] = prj_dot(X + (size_t)i * d, X + (size_t)i * d, d);
  for (int b = 0; b < nb; b++) {
    float *t = xt + (size_t)b * RB * d;
    for (int r = 0; r < RB; r++) {
      int i = b * RB + r;
      for (int c = 0; c < d; c++)
        t[(size_t)c * RB + r] = i < n ? X[(size_t)i * d + c] : 0.0f;
    }
  }
  /* |approx - exact| <= about 4 d u (|q|^2 + |r|^2) (u = 2^-24); twice that, to be safe */
  const float tol = (float)(8.0 * (d + 2) * 5.9604644775390625e-8);
  for (int q0 = 0; q0 < n; q0 += QB) {
    int q1 = q0 + QB < n ? q0 + QB : n;
    for (int b = 0; b < nb; b++) {
      int r0 = b * RB, r1 = r0 + RB < n ? r0 + RB : n;
      int m = (r1 - r0 + 7) & ~7;
      for (int g = q0; g < q1; g += 4) {
        int gn = q1 - g < 4 ? q1 - g : 4;
        memset(qb, 0, sizeof(float) * 4 * (size_t)d);
        memcpy(qb, X + (size_t)g * d, sizeof(float) * (size_t)gn * d);
        prj_dot_4xt(qb, d, xt + (size_t)b * RB * d, RB, m, dots);
        for (int j = 0; j < gn; j++) {
          int q = g + j;
          const float *xq = X + (size_t)q * d, *dq = dots + j * m;
          float *hd = d2 + (size_t)q * k;
          int *hi = idx + (size_t)q * k;
          const float nq = nrm[q];
          for (int r = r0; r < r1; r++) {
            if (cnt[q] == k) {
              float nr = nrm[r], approx = (nq + nr) - 2.0f * dq[r - r0];
              if (approx - tol * (nq + nr) > hd[0])
                continue;
            }
            if (r != q)
              prj_heap_push(hd, hi, &cnt[q], k, prj_l2sq(xq, X + (size_t)r * d, d), r);
          }
        }
      }
    }
  }
  for (int q = 0; q < n; q++)
    prj_heap_sort(d2 + (size_t)q * k, idx + (size_t)q * k, k);
  rc = 0;
done:
  free(cnt), free(nrm), free(xt), free(qb), free(dots);
  return rc;
}

int prj_knn_ref_init(prj_knn_ref *r, const float *X, int n, int d) {
  memset(r, 0, sizeof *r);
  if (!X || n < 1 || d < 1)
    return -1;
  const int nb = (n + RB - 1) / RB;
  r->X = X, r->n = n, r->d = d;
  r->nrm = malloc(sizeof(float) * n);
  r->xt = malloc(sizeof(float) * (size_t)nb * RB * d);
  if (!r->nrm || !r->xt) {
    prj_knn_ref_free(r);
    return -1;
  }
  for (int i = 0; i < n; i++)
    r->nrm[i] = prj_dot(X + (size_t)i * d, X + (size_t)i * d, d);
  for (int b = 0; b < nb; b++) {
    float *t = r->xt + (size_t)b * RB * d;
    for (int j = 0; j < RB; j++) {
      int i = b * RB + j;
      for (int c = 0; c < d; c++)
        t[(size_t)c * RB + j] = i < n ? X[(size_t)i * d + c] : 0.0f;
    }
  }
  return 0;
}

void prj_knn_ref_free(prj_knn_ref *r) {
  free(r->xt), free(r->nrm);
  r->xt = NULL, r->nrm = NULL;
}

/* The same two passes as prj_knn_exact, queries against the reference rows: QB queries at a
 * time over each reference block, so the block stays in cache while they pass. */
int prj_knn_query(const prj_knn_ref *ref, const float *Q, int nq, int k, int *idx, float *d2) {
  const int n = ref->n, d = ref->d, nb = (n + RB - 1) / RB;
  if (!Q || nq < 0 || k < 1 || k > n)
    return -1;
  int *cnt = calloc((size_t)nq + 1, sizeof(int));
  float *nqs = malloc(sizeof(float) * ((size_t)nq + 1));
  float *qb = malloc(sizeof(float) * QB * (size_t)d);
  float *dots = malloc(sizeof(float) * 4 * RB);
  int rc = -1;
  if (!cnt || !nqs || !qb || !dots)
    goto done;
  for (int q = 0; q < nq; q++)
    nqs[q] = prj_dot(Q + (size_t)q * d, Q + (size_t)q * d, d);
  const float tol = (float)(8.0 * (d + 2) * 5.9604644775390625e-8);
  for (int q0 = 0; q0 < nq; q0 += QB) {
    int q1 = q0 + QB < nq ? q0 + QB : nq;
    memset(qb, 0, sizeof(float) * QB * (size_t)d); /* the block's queries, zero-padded to 4s */
    memcpy(qb, Q + (size_t)q0 * d, sizeof(float) * (size_t)(q1 - q0) * d);
    for (int b = 0; b < nb; b++) {
      int r0 = b * RB, r1 = r0 + RB < n ? r0 + RB : n;
      int m = (r1 - r0 + 7) & ~7;
      for (int g = q0; g < q1; g += 4) {
        int gn = q1 - g < 4 ? q1 - g : 4;
        prj_dot_4xt(qb + (size_t)(g - q0) * d, d, ref->xt + (size_t)b * RB * d, RB, m, dots);
        for (int j = 0; j < gn; j++) {
          int q = g + j;
          const float *xq = Q + (size_t)q * d, *dq = dots + j * m;
          float *hd = d2 + (size_t)q * k;
          int *hi = idx + (size_t)q * k;
          for (int r = r0; r < r1; r++) {
            if (cnt[q] == k) {
              float nr = ref->nrm[r], approx = (nqs[q] + nr) - 2.0f * dq[r - r0];
              if (approx - tol * (nqs[q] + nr) > hd[0])
                continue;
            }
            prj_heap_push(hd, hi, &cnt[q], k, prj_l2sq(xq, ref->X + (size_t)r * d, d), r);
          }
        }
      }
    }
  }
  for (int q = 0; q < nq; q++)
    prj_heap_sort(d2 + (size_t)q * k, idx + (size_t)q * k, k);
  rc = 0;
done:
  free(cnt), free(nqs), free(qb), free(dots);
  return rc;
}
