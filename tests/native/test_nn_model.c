/* test_nn_model.c — the SMNN model format on a small synthetic network: round trips in f32, f16
 * and int8, and every kind of bad file (truncated at every length, wrong magic/version/flags,
 * unknown op/activation/weight type, wrong or absurd shapes, NaN/Inf weights and scales, class
 * names, trailing bytes) refused with a reason and without a crash. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nn/model_io.h"
#include "nn/net.h"
#include "sonomap.h"

static uint32_t rng = 777;
static float frand(void) {
  rng = rng * 1664525u + 1013904223u;
  return (float)((rng >> 8) * (1.0 / 8388608.0)) - 1.0f;
}

static nn_net *make_net(void) {
  char err[200] = "";
  nn_net *net = nn_net_new(12, 10, 1, err, sizeof err);
  struct {
    int op, stride, cout, act;
  } spec[] = {{NN_CONV3, 2, 8, NN_ACT_RELU6},
              {NN_DW3, 2, 8, NN_ACT_RELU6},
              {NN_PW, 1, 12, NN_ACT_RELU},
              {NN_GAP, 1, 12, 0},
              {NN_DENSE, 1, 5, NN_ACT_SIGMOID}};
  int cin = 1;
  for (int i = 0; i < 5; i++) {
    size_t nw = nn_weight_count(spec[i].op, cin, spec[i].cout);
    float *w = malloc((nw ? nw : 1) * 4), b[16];
    for (size_t k = 0; k < nw; k++)
      w[k] = frand() * 0.5f;
    for (int k = 0; k < 16; k++)
      b[k] = frand() * 0.1f;
    CHECK(nn_net_add(net, spec[i].op, spec[i].act, spec[i].stride, spec[i].cout, w, b, err,
                     sizeof err) == 0,
          "add %d: %s", i, err);
    free(w);
    cin = spec[i].cout;
  }
  CHECK(nn_net_finish(net, err, sizeof err) == 0, "%s", err);
  char **lab = malloc(5 * sizeof *lab);
  const char *names[] = {"Speech", "Dog", "Sine wave", "Silence", "Water"};
  for (int i = 0; i < 5; i++) {
    lab[i] = malloc(strlen(names[i]) + 1);
    strcpy(lab[i], names[i]);
  }
  CHECK(nn_net_set_labels(net, lab, 5, err, sizeof err) == 0, "%s", err);
  return net;
}

/* Load must fail and the reason must mention `want`. */
static void refuse(const uint8_t *b, size_t len, const char *want, const char *what) {
  char err[256] = "";
  sm_model *m = sm_model_load(b, len, err, sizeof err);
  CHECK(m == NULL && err[0] && strstr(err, want), "%s: %s (reason \"%s\", wanted \"%s\")", what,
        m ? "accepted" : "refused", err, want);
  sm_model_free(m);
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

/* The network written as f32, f16 and int8 SMNN files and loaded back: the same metadata, the
 * same outputs within each type's tolerance. Returns the f32 file (*len bytes). */
static uint8_t *test_round_trips(nn_net *net, const float *x, size_t *f32len) {
  float e0[3 * 12], s0[3 * 5], e1[3 * 12], s1[3 * 5];
  CHECK(nn_net_forward(net, NN_FAST, x, 3, e0, s0) == 0, "forward");
  const char *tn[] = {"f32", "f16", "int8"};
  double tol[] = {0, 2e-3, 2e-2};
  uint8_t *f32 = NULL;
  for (int wt = 0; wt < 3; wt++) {
    uint8_t *b;
    size_t len;
    char err[200] = "";
    CHECK(nn_model_io_write(net, wt, &b, &len, err, sizeof err) == 0, "write %s: %s", tn[wt], err);
    sm_model *m = sm_model_load(b, len, err, sizeof err);
    CHECK(m != NULL, "load %s: %s", tn[wt], err);
    if (m) {
      CHECK(sm_model_embedding_size(m) == 12 && sm_model_classes(m) == 5 &&
                sm_model_input_frames(m) == 12 && sm_model_input_bands(m) == 10 &&
                !strcmp(sm_model_class_name(m, 2), "Sine wave") &&
                !strcmp(sm_model_class_name(m, 5), ""),
            "%s metadata", tn[wt]);
      CHECK(sm_model_embed(m, x, 3, e1, s1) == 0, "embed");
      double d = 0;
      for (int i = 0; i < 36; i++)
        d = fmax(d, fabs(e1[i] - e0[i]));
      for (int i = 0; i < 15; i++)
        d = fmax(d, fabs(s1[i] - s0[i]));
      CHECK(d <= tol[wt], "%s round trip differs by %.3g", tn[wt], d);
      sm_model_free(m);
    }
    if (wt == 0) {
      f32 = b;
      *f32len = len;
    } else
      free(b);
  }
  CHECK(sm_model_embed(NULL, x, 1, e1, s1) == -1, "NULL model accepted");
  return f32;
}

/* truncated at every length */
static void test_truncations(const uint8_t *b, size_t len) {
  int bad = 0;
  for (size_t cut = 0; cut < len; cut++) {
    char err[200] = "";
    sm_model *m = sm_model_load(b, cut, err, sizeof err);
    if (m || !err[0])
      bad++;
    sm_model_free(m);
  }
  CHECK(bad == 0, "%d truncated files accepted or refused without a reason", bad);
}

/* header fields, weights and the layer chain changed one at a time: each refused with its reason */
static void test_header_mutations(const uint8_t *b, size_t len) {
  uint8_t *t = malloc(len + 1);
#define MUT(stmt, want, what)                                                                      \
  do {                                                                                             \
    memcpy(t, b, len);                                                                             \
    stmt;                                                                                          \
    refuse(t, len, want, what);                                                                    \
  } while (0)
  MUT(t[0] = 'X', "neither", "bad magic");
  MUT(put32(t + 4, 2), "version", "version 2");
  MUT(put32(t + 28, 1), "flags", "flags");
  MUT(put32(t + 20, 0), "layers", "zero layers");
  MUT(put32(t + 20, 100000), "layers", "absurd layer count");
  MUT(put32(t + 8, 0x7fffffff), "input", "absurd input height");
  MUT(put32(t + 8, 0), "input", "zero input height");
  MUT(put32(t + 24, 4), "class names", "class-name count");
  MUT(t[32] = 9, "unknown op", "unknown op");
  MUT(t[33] = 7, "activation", "unknown activation");
  MUT(t[33] = NN_ACT_SIGMOID, "sigmoid", "sigmoid after a convolution");
  MUT(t[34] = 3, "stride", "stride 3");
  MUT(t[35] = 5, "weight type", "unknown weight type");
  MUT(put32(t + 36, 0), "channels", "zero channels");
  MUT(put32(t + 36, 0xffffffffu), "channels", "absurd channel count");
  MUT(put32(t + 36, 4000), "truncated", "channels beyond the file");
  MUT(t[32] = NN_DENSE, "dense", "dense before the pool");
  {
    float nan = NAN;
    MUT(memcpy(t + 40 + 4 * 17, &nan, 4), "finite", "NaN weight");
    float inf = INFINITY;
    MUT(memcpy(t + 40 + 4 * 3, &inf, 4), "finite", "Inf weight");
  }
  /* second layer (depthwise) header sits after conv weights (8*9) and biases (8) */
  size_t l1 = 32 + 8 + 4 * (8 * 9 + 8);
  MUT(put32(t + l1 + 4, 9), "channels", "depthwise with other output channels");
  MUT(t[l1] = NN_GAP, "", "pool moved forward (shapes no longer fit)");
  memcpy(t, b, len);
  t[len] = 0;
  refuse(t, len + 1, "unexpected bytes", "trailing byte");
  refuse(b, 3, "", "three bytes");
  refuse(NULL, 0, "empty", "NULL");
  free(t);
}

/* int8 with a bad scale */
static void test_int8_bad_scale(const nn_net *net) {
  uint8_t *q;
  size_t ql;
  char err[200];
  nn_model_io_write(net, NN_W_I8, &q, &ql, err, sizeof err);
  float inf = INFINITY;
  memcpy(q + 40 + 72, &inf, 4); /* first conv scale */
  refuse(q, ql, "scale", "Inf int8 scale");
  free(q);
}

/* random single-byte corruption anywhere: never a crash */
static void test_random_corruption(const uint8_t *b, size_t len, const float *x) {
  float e1[3 * 12], s1[3 * 5];
  uint8_t *t = malloc(len + 1);
  int loaded = 0;
  for (int k = 0; k < 400; k++) {
    memcpy(t, b, len);
    rng = rng * 1664525u + 1013904223u;
    t[(rng >> 8) % len] ^= (uint8_t)(1 + (rng & 0x7f));
    char err[200] = "";
    sm_model *m = sm_model_load(t, len, err, sizeof err);
    if (m) {
      loaded++;
      sm_model_embed(m, x, 1, e1, s1);
    } else {
      CHECK(err[0], "refused without a reason");
    }
    sm_model_free(m);
  }
  printf("random corruptions: %d of 400 still loaded (weights changed), the rest refused\n",
         loaded);
  free(t);
}

int main(void) {
  nn_net *net = make_net();
  float x[3 * 120];
  for (int i = 0; i < 360; i++)
    x[i] = frand() * 4;
  size_t len = 0;
  uint8_t *f32 = test_round_trips(net, x, &len);
  CHECK(f32 != NULL, "an f32 file to corrupt");
  if (f32) {
    test_truncations(f32, len);
    test_header_mutations(f32, len);
    test_random_corruption(f32, len, x);
  }
  test_int8_bad_scale(net);
  free(f32);
  nn_net_free(net);
  return check_report("test_nn_model");
}
