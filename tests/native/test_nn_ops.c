/* test_nn_ops.c — every fast kernel (and XNNPACK, when built) against the scalar reference on
 * random weights: odd sizes, strides 1 and 2, channel counts that are not multiples of 4 or 8,
 * every activation; then whole small networks through every backend. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn/kernels.h"
#include "nn/net.h"
#include "nn/ref_ops.h"
#include "nn/xnn.h"

static uint32_t rng = 12345;
static float frand(void) { /* uniform in [-1, 1) */
  rng = rng * 1664525u + 1013904223u;
  return (float)((rng >> 8) * (1.0 / 8388608.0)) - 1.0f;
}
static float *rnd(size_t n, float scale) {
  float *p = malloc(n * sizeof(float) + 1);
  for (size_t i = 0; i < n; i++)
    p[i] = frand() * scale;
  return p;
}
/* max |a - b| / max |ref| */
static double relerr(const float *a, const float *ref, size_t n) {
  double d = 0, m = 1e-30;
  for (size_t i = 0; i < n; i++) {
    double e = fabs((double)a[i] - ref[i]);
    if (!(e <= d))
      d = e; /* NaN counts as huge */
    if (fabs(ref[i]) > m)
      m = fabs(ref[i]);
  }
  return d / m;
}

static double worst = 0;
static void note(double e) {
  if (e > worst || e != e)
    worst = e;
}

static void test_gemm(int M, int K, int N, int act) {
  float *A = rnd((size_t)M * K, 1), *W = rnd((size_t)N * K, 0.5f), *b = rnd(N, 1);
  float *ref = malloc((size_t)M * N * sizeof(float)), *out = malloc((size_t)M * N * sizeof(float));
  float *p = malloc(nn_k_packed_size(N, K) * sizeof(float));
  nn_k_pack(W, b, N, K, p);
  nn_ref_pw(A, M, K, W, b, N, act, ref);
  nn_k_gemm(A, M, K, p, N, act, out);
  double e = relerr(out, ref, (size_t)M * N);
  note(e);
  CHECK(e <= 1e-4, "gemm M=%d K=%d N=%d act=%d: rel err %.3g", M, K, N, act, e);
  free(A);
  free(W);
  free(b);
  free(ref);
  free(out);
  free(p);
}

static void test_conv3(int n, int h, int w, int cin, int cout, int stride, int act) {
  int oh = nn_same_out(h, stride), ow = nn_same_out(w, stride);
  size_t on = (size_t)n * oh * ow * cout;
  float *x = rnd((size_t)n * h * w * cin, 1), *W = rnd((size_t)cout * 9 * cin, 0.5f),
        *b = rnd(cout, 1);
  float *ref = malloc(on * sizeof(float)), *out = malloc(on * sizeof(float));
  float *p = malloc(nn_k_packed_size(cout, 9 * cin) * sizeof(float));
  float *col = malloc(nn_k_conv3_col(h, w, cin, stride) * sizeof(float));
  nn_k_pack(W, b, cout, 9 * cin, p);
  nn_ref_conv3(x, n, h, w, cin, W, b, cout, stride, act, ref);
  nn_k_conv3(x, n, h, w, cin, p, cout, stride, act, col, out);
  double e = relerr(out, ref, on);
  note(e);
  CHECK(e <= 1e-4, "conv3 %dx%dx%dx%d->%d s%d act=%d: rel err %.3g", n, h, w, cin, cout, stride,
        act, e);
  free(x);
  free(W);
  free(b);
  free(ref);
  free(out);
  free(p);
  free(col);
}

static void test_dw3(int n, int h, int w, int c, int stride, int act) {
  int oh = nn_same_out(h, stride), ow = nn_same_out(w, stride);
  size_t on = (size_t)n * oh * ow * c;
  float *x = rnd((size_t)n * h * w * c, 1), *W = rnd((size_t)9 * c, 0.5f), *b = rnd(c, 1);
  float *ref = malloc(on * sizeof(float)), *out = malloc(on * sizeof(float));
  nn_ref_dw3(x, n, h, w, c, W, b, stride, act, ref);
  nn_k_dw3(x, n, h, w, c, W, b, stride, act, out);
  double e = relerr(out, ref, on);
  note(e);
  CHECK(e <= 1e-4, "dw3 %dx%dx%dx%d s%d act=%d: rel err %.3g", n, h, w, c, stride, act, e);
  free(x);
  free(W);
  free(b);
  free(ref);
  free(out);
}

static void test_gap(int n, int hw, int c) {
  float *x = rnd((size_t)n * hw * c, 1), *ref = malloc((size_t)n * c * 4),
        *out = malloc((size_t)n * c * 4);
  nn_ref_gap(x, n, hw, c, ref);
  nn_k_gap(x, n, hw, c, out);
  double e = relerr(out, ref, (size_t)n * c);
  note(e);
  CHECK(e <= 1e-4, "gap %dx%dx%d: rel err %.3g", n, hw, c, e);
  free(x);
  free(ref);
  free(out);
}

/* A small YAMNet-shaped network with odd widths. */
static nn_net *small_net(int h, int w, int width, int first_stride) {
  char err[200] = "";
  nn_net *net = nn_net_new(h, w, 1, err, sizeof err);
  CHECK(net != NULL, "%s", err);
  if (!net)
    return NULL;
  int c = width;
  struct {
    int op, stride, cout, act;
  } spec[] = {{NN_CONV3, first_stride, c, NN_ACT_RELU6},
              {NN_DW3, 1, 0, NN_ACT_RELU6},
              {NN_PW, 1, 2 * c, NN_ACT_RELU6},
              {NN_DW3, 2, 0, NN_ACT_RELU},
              {NN_PW, 1, 3 * c + 1, NN_ACT_RELU},
              {NN_DW3, 2, 0, NN_ACT_RELU6},
              {NN_PW, 1, 4 * c, NN_ACT_NONE},
              {NN_GAP, 1, 0, NN_ACT_NONE},
              {NN_DENSE, 1, 17, NN_ACT_RELU},
              {NN_DENSE, 1, 11, NN_ACT_SIGMOID}};
  int cin = 1;
  for (size_t i = 0; i < sizeof spec / sizeof spec[0]; i++) {
    int cout = spec[i].cout ? spec[i].cout : cin;
    size_t nw = nn_weight_count(spec[i].op, cin, cout);
    float *W = rnd(nw ? nw : 1, 1.0f / sqrtf((float)(nw ? nw : 1) / cout)), *b = rnd(cout, 0.1f);
    int rc = nn_net_add(net, spec[i].op, spec[i].act, spec[i].stride, cout, W, b, err, sizeof err);
    CHECK(rc == 0, "add layer %zu: %s", i, err);
    free(W);
    free(b);
    cin = cout;
  }
  CHECK(nn_net_finish(net, err, sizeof err) == 0, "%s", err);
  return net;
}

/* big: large enough early layers that the fast path runs them patch by patch */
static void test_net(int backend, const char *name, int big) {
  nn_net *net = big ? small_net(64, 64, 8, 1) : small_net(24, 19, 6, 2);
  if (!net)
    return;
  int n = 21; /* more than one internal chunk */
  size_t isz = (size_t)net->in_h * net->in_w;
  float *x = rnd(isz * n, 3);
  float *e0 = malloc((size_t)n * net->emb_dim * 4), *s0 = malloc((size_t)n * net->nclasses * 4);
  float *e1 = malloc((size_t)n * net->emb_dim * 4), *s1 = malloc((size_t)n * net->nclasses * 4);
  CHECK(net->emb_dim == (big ? 32 : 24) && net->nclasses == 11, "dims %d %d", net->emb_dim,
        net->nclasses);
  CHECK(nn_net_forward(net, NN_REF, x, n, e0, s0) == 0, "ref forward");
  CHECK(nn_net_forward(net, backend, x, n, e1, s1) == 0, "%s forward", name);
  double ee = relerr(e1, e0, (size_t)n * net->emb_dim),
         es = relerr(s1, s0, (size_t)n * net->nclasses);
  note(ee);
  note(es);
  CHECK(ee <= 1e-4 && es <= 1e-4, "%s network: emb rel err %.3g, scores %.3g", name, ee, es);
  /* batching must not change a patch's result */
  CHECK(nn_net_forward(net, backend, x + 5 * isz, 1, e1, s1) == 0, "single");
  double e5 = relerr(e1, e0 + 5 * net->emb_dim, net->emb_dim);
  CHECK(e5 <= 1e-4, "%s batch-1 vs batched: %.3g", name, e5);
  /* patch groups (fast path): every layer patch by patch, then budgets that give groups of
   * 2, 4, 8 and ragged last groups (the 21 patches run as 16 + 5) */
  size_t budgets[] = {1, 20000, 60000, 250000, 20000, 60000};
  for (int k = 0; backend == NN_FAST && k < 6; k++) {
    net->group_bytes = budgets[k];
    net->group_weight_bytes = k >= 4 ? 1000 : 0; /* then the wider layers take the whole batch */
    CHECK(nn_net_forward(net, backend, x, n, e1, s1) == 0, "%s forward", name);
    double ge = relerr(e1, e0, (size_t)n * net->emb_dim),
           gs = relerr(s1, s0, (size_t)n * net->nclasses);
    note(ge);
    note(gs);
    CHECK(ge <= 1e-4 && gs <= 1e-4, "%s network, group budget %zu: emb rel err %.3g, scores %.3g",
          name, budgets[k], ge, gs);
  }
  net->group_bytes = net->group_weight_bytes = 0;
  printf("%s network%s vs reference: emb %.2e, scores %.2e (relative)\n", name,
         big ? " (64x64)" : "", ee, es);
  free(x);
  free(e0);
  free(s0);
  free(e1);
  free(s1);
  nn_net_free(net);
}

static void test_bad_nets(void) {
  char err[200] = "";
  CHECK(nn_net_new(0, 64, 1, err, sizeof err) == NULL && err[0], "zero input accepted");
  nn_net *net = nn_net_new(8, 8, 1, err, sizeof err);
  float w[9 * 4] = {0}, b[4] = {0};
  CHECK(nn_net_add(net, NN_DENSE, 0, 1, 4, w, b, err, sizeof err) < 0, "dense before pool");
  CHECK(nn_net_add(net, 9, 0, 1, 4, w, b, err, sizeof err) < 0, "unknown op");
  CHECK(nn_net_add(net, NN_CONV3, 0, 3, 4, w, b, err, sizeof err) < 0, "stride 3");
  w[5] = NAN;
  CHECK(nn_net_add(net, NN_CONV3, 0, 1, 4, w, b, err, sizeof err) < 0 && strstr(err, "finite"),
        "NaN weight accepted: %s", err);
  w[5] = 0;
  CHECK(nn_net_add(net, NN_CONV3, 0, 1, 4, w, b, err, sizeof err) == 0, "%s", err);
  CHECK(nn_net_finish(net, err, sizeof err) < 0, "net without pooling finished");
  nn_net_free(net);
}

int main(void) {
  int acts[] = {NN_ACT_NONE, NN_ACT_RELU, NN_ACT_RELU6, NN_ACT_SIGMOID};
  for (int a = 0; a < 4; a++) {
    test_gemm(1, 1, 1, acts[a]);
    test_gemm(7, 13, 19, acts[a]);
    test_gemm(33, 64, 40, acts[a]);
  }
  test_gemm(96, 256, 128, NN_ACT_RELU6);
  test_gemm(6, 1024, 521, NN_ACT_NONE);
  test_gemm(300, 200, 24, NN_ACT_RELU); /* several row chunks, ragged tails */
  test_gemm(1001, 40, 20, NN_ACT_RELU6);
  /* weights small enough for the tile-outer order (K = 9, 32, 64), and just too large */
  test_gemm(1537, 9, 32, NN_ACT_RELU6);
  test_gemm(203, 32, 64, NN_ACT_RELU);
  test_gemm(98, 64, 130, NN_ACT_NONE);
  test_gemm(50, 80, 200, NN_ACT_SIGMOID);
  for (int s = 1; s <= 2; s++)
    for (int a = 0; a < 3; a++) {
      test_conv3(2, 9, 7, 1, 5, s, acts[a]);
      test_conv3(1, 10, 8, 3, 16, s, acts[a]);
      test_conv3(2, 96, 64, 1, 32, s, acts[a]);
      test_dw3(2, 9, 7, 13, s, acts[a]);
      test_dw3(1, 10, 8, 32, s, acts[a]);
      test_dw3(3, 3, 2, 20, s, acts[a]);
      test_dw3(1, 1, 1, 8, s, acts[a]);
    }
  /* depthwise shape paths: widths 1..7 and 11 (edge columns only, one interior column, odd and
   * even interior runs for the two-column step), heights 1..3 (padding rows on both sides),
   * channel counts with and without a tail after the blocks of 4, the YAMNet sizes */
  for (int s = 1; s <= 2; s++) {
    int ws[] = {1, 2, 3, 4, 5, 6, 7, 11};
    for (int i = 0; i < 8; i++) {
      test_dw3(1, 3, ws[i], 4, s, NN_ACT_RELU6);
      test_dw3(2, 2, ws[i], 9, s, NN_ACT_NONE);
      test_dw3(1, 1, ws[i], 6, s, NN_ACT_RELU);
    }
    test_dw3(1, 5, 5, 3, s, NN_ACT_NONE); /* fewer than 4 channels: scalar tail only */
    test_dw3(1, 48, 32, 32, s, NN_ACT_RELU6);
    test_dw3(1, 6, 4, 512, s, NN_ACT_RELU6);
    test_dw3(2, 3, 2, 1024, s, NN_ACT_RELU6);
    /* the channel counts that dw_row instantiates with constant offsets, odd map sizes */
    int cs[] = {32, 64, 128, 256, 512, 1024};
    for (int i = 0; i < 6; i++)
      test_dw3(1, 5, 3 + i % 3, cs[i], s, i % 3);
  }
  /* GEMM row splits: 5..9 rows (one tile of 5, of 6; then 4+3, 4+4, 3+3+3) */
  for (int m = 5; m <= 9; m++)
    test_gemm(m, 37, 20, NN_ACT_RELU6);
  test_conv3(1, 7, 5, 1, 9, 2, NN_ACT_NONE); /* first-layer shape, odd sizes */
  /* one input channel (the zero-bordered im2col): tiny and odd maps, both strides */
  for (int s = 1; s <= 2; s++) {
    test_conv3(1, 1, 1, 1, 4, s, NN_ACT_NONE);
    test_conv3(2, 2, 3, 1, 8, s, NN_ACT_RELU);
    test_conv3(1, 5, 2, 1, 3, s, NN_ACT_RELU6);
    test_conv3(1, 8, 11, 1, 16, s, NN_ACT_NONE);
  }
  test_gap(3, 6, 1024);
  test_gap(2, 5, 7);
  for (int big = 0; big < 2; big++) {
    test_net(NN_FAST, "fast", big);
    if (nn_xnn_available())
      test_net(NN_XNNPACK, "xnnpack", big);
  }
  if (!nn_xnn_available())
    printf("XNNPACK backend not built: skipped\n");
  test_bad_nets();
  printf("worst kernel relative error: %.3g\n", worst);
  return check_report("test_nn_ops");
}
