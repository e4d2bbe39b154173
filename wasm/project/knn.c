/* knn.c — exact blocked kNN (see knn.h). */
#include "project/knn.h"

#include <stdlib.h>

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

#define QB 64  /* queries per block */
#define RB 512 /* reference rows per block */

int prj_knn_exact(const float *X, int n, int d, int k, int *idx, float *d2) {
  if (n < 2 || k < 1 || k > n - 1)
    return -1;
  int *cnt = calloc(n, sizeof(int));
  if (!cnt)
    return -1;
  for (int q0 = 0; q0 < n; q0 += QB) {
    int q1 = q0 + QB < n ? q0 + QB : n;
    for (int r0 = 0; r0 < n; r0 += RB) {
      int r1 = r0 + RB < n ? r0 + RB : n;
      int q = q0;
      for (; q + 4 <= q1; q += 4) {
        const float *a = X + (size_t)q * d;
        for (int r = r0; r < r1; r++) {
          float o[4];
          prj_l2sq_x4(a, a + d, a + 2 * d, a + 3 * d, X + (size_t)r * d, d, o);
          for (int j = 0; j < 4; j++) {
            size_t row = (size_t)(q + j) * k;
            if (r != q + j && (cnt[q + j] < k || o[j] <= d2[row]))
              prj_heap_push(d2 + row, idx + row, &cnt[q + j], k, o[j], r);
          }
        }
      }
      for (; q < q1; q++)
        for (int r = r0; r < r1; r++)
          if (r != q)
            prj_heap_push(d2 + (size_t)q * k, idx + (size_t)q * k, &cnt[q], k,
                          prj_l2sq(X + (size_t)q * d, X + (size_t)r * d, d), r);
    }
  }
  for (int q = 0; q < n; q++)
    prj_heap_sort(d2 + (size_t)q * k, idx + (size_t)q * k, k);
  free(cnt);
  return 0;
}
