/* test_nn_yamnet.c — the imported YAMNet (../shared/models/yamnet.tflite; skipped with a message
 * when absent) on known signals, against the independent numpy reference, on every backend,
 * through the SMNN format, and against truncated/corrupted model files. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dsp/frontend.h"
#include "files.h"
#include "nn/model.h"
#include "nn/model_io.h"
#include "nn/net.h"
#include "nn/xnn.h"
#include "sonomap.h"

#define MODEL "../shared/models/yamnet.tflite"
#define CLASSMAP "../shared/models/yamnet_class_map.txt"
#define FIX "build/fixtures/nn/"

static double cosine(const float *a, const float *b, int n) {
  double ab = 0, aa = 0, bb = 0;
  for (int i = 0; i < n; i++)
    ab += (double)a[i] * b[i], aa += (double)a[i] * a[i], bb += (double)b[i] * b[i];
  return ab / sqrt(aa * bb + 1e-300);
}

/* Log-mel patches (96 x 64, hop 48 frames) of a 16 kHz signal; returns the patch count. */
static int patches_of(const float *x, size_t n, float **out) {
  dsp_frontend *fe = dsp_frontend_new();
  size_t nf = dsp_frontend_frames(n);
  float *lm = malloc((nf ? nf : 1) * SM_NMEL * sizeof(float));
  dsp_frontend_run(fe, x, n, lm, NULL);
  dsp_frontend_free(fe);
  int np = nf >= SM_PATCH_FRAMES ? 1 + (int)((nf - SM_PATCH_FRAMES) / SM_PATCH_HOP_FRAMES) : 0;
  *out = malloc((size_t)(np ? np : 1) * SM_PATCH_FRAMES * SM_NMEL * sizeof(float));
  for (int p = 0; p < np; p++)
    memcpy(*out + (size_t)p * SM_PATCH_FRAMES * SM_NMEL,
           lm + (size_t)p * SM_PATCH_HOP_FRAMES * SM_NMEL,
           SM_PATCH_FRAMES * SM_NMEL * sizeof(float));
  free(lm);
  return np;
}

/* Mean class scores over a signal's patches; fills rank[0..k) with the top classes. */
static void classify(sm_model *m, const float *x, size_t n, int *rank, int k, const char *what) {
  float *p;
  int np = patches_of(x, n, &p);
  int nc = sm_model_classes(m);
  float *sc = malloc((size_t)np * nc * sizeof(float)),
        *emb = malloc((size_t)np * 1024 * sizeof(float));
  double *mean = calloc((size_t)nc, sizeof(double));
  CHECK(sm_model_embed(m, p, np, emb, sc) == 0, "embed %s", what);
  for (int i = 0; i < np; i++)
    for (int c = 0; c < nc; c++)
      mean[c] += sc[(size_t)i * nc + c] / np;
  for (int r = 0; r < k; r++) {
    int best = -1;
    for (int c = 0; c < nc; c++) {
      int used = 0;
      for (int q = 0; q < r; q++)
        used |= rank[q] == c;
      if (!used && (best < 0 || mean[c] > mean[best]))
        best = c;
    }
    rank[r] = best;
  }
  printf("%-22s (%d patches): %s %.3f, %s %.3f, %s %.3f\n", what, np,
         sm_model_class_name(m, rank[0]), mean[rank[0]], sm_model_class_name(m, rank[1]),
         mean[rank[1]], sm_model_class_name(m, rank[2]), mean[rank[2]]);
  free(p);
  free(sc);
  free(emb);
  free(mean);
}

static int is(sm_model *m, int c, const char *name) {
  return !strcmp(sm_model_class_name(m, c), name);
}

static void test_signals(sm_model *m) {
  size_t n = 3 * SM_RATE;
  float *x = calloc(n, sizeof(float));
  int r[3];
  classify(m, x, n, r, 3, "silence 3 s");
  CHECK(is(m, r[0], "Silence"), "silence -> %s", sm_model_class_name(m, r[0]));
  for (size_t i = 0; i < n; i++)
    x[i] = 0.5f * sinf(2.0f * 3.14159265358979f * 440.0f * (float)i / SM_RATE);
  classify(m, x, n, r, 3, "sine 440 Hz");
  CHECK(is(m, r[0], "Sine wave"), "sine -> %s", sm_model_class_name(m, r[0]));
  size_t nn;
  float *noise = (float *)read_bytes(FIX "noise.f32", &nn);
  CHECK(noise && nn == n * sizeof(float), "fixture " FIX "noise.f32 missing (make fixtures)");
  if (noise && nn == n * sizeof(float)) {
    classify(m, noise, n, r, 3, "uniform noise [-1,1]");
    CHECK(is(m, r[0], "White noise") || is(m, r[1], "White noise") || is(m, r[2], "White noise"),
          "White noise not in the top 3 of noise");
    for (size_t i = 0; i < n; i++)
      noise[i] *= 0.1f;
    classify(m, noise, n, r, 3, "uniform noise x 0.1");
    CHECK(is(m, r[0], "White noise"), "noise x 0.1 -> %s", sm_model_class_name(m, r[0]));
  }
  free(noise);
  free(x);
}

static void test_reference(sm_model *m) {
  size_t lp, le, ls, l8, lw;
  float *patch = (float *)read_bytes(FIX "ref_patch.f32", &lp),
        *emb = (float *)read_bytes(FIX "ref_emb.f32", &le);
  float *sc = (float *)read_bytes(FIX "ref_scores.f32", &ls),
        *emb8 = (float *)read_bytes(FIX "ref_emb_int8.f32", &l8);
  float *sig = (float *)read_bytes(FIX "testsig.f32", &lw);
  CHECK(patch && emb && sc && emb8 && sig, "reference fixtures missing in " FIX " (make fixtures)");
  if (patch && emb && sc && emb8 && sig && lp == 96 * 64 * 4 && le == 1024 * 4 && ls == 521 * 4 &&
      lw == SM_PATCH_SAMPLES * 4) {
    float e[1024], s[521];
    CHECK(sm_model_embed(m, patch, 1, e, s) == 0, "embed");
    double c = cosine(e, emb, 1024), cs = cosine(s, sc, 521), c8 = cosine(e, emb8, 1024);
    printf(
        "embedding vs numpy float reference: cosine %.6f (scores %.6f); vs simulated int8: %.5f\n",
        c, cs, c8);
    CHECK(c >= 0.999, "cosine %.6f vs independent reference", c);
    CHECK(cs >= 0.999, "score cosine %.6f", cs);
    CHECK(c8 >= 0.998, "float vs int8 path cosine %.5f", c8);
    /* our frontend on the same waveform gives the reference patch */
    float *p;
    int np = patches_of(sig, SM_PATCH_SAMPLES, &p);
    double d = 0;
    for (int i = 0; np == 1 && i < 96 * 64; i++)
      d = fmax(d, fabs(p[i] - patch[i]));
    CHECK(np == 1 && d < 1e-3, "frontend vs numpy patch: %d patches, max diff %.3g", np, d);
    float e2[1024];
    sm_model_embed(m, p, 1, e2, NULL);
    double c2 = cosine(e2, emb, 1024);
    printf("waveform -> engine frontend -> embedding vs reference: cosine %.6f\n", c2);
    CHECK(c2 >= 0.999, "waveform path cosine %.6f", c2);
    free(p);
  }
  free(patch);
  free(emb);
  free(sc);
  free(emb8);
  free(sig);
}

static double relerr(const float *a, const float *ref, size_t n) {
  double d = 0, mx = 1e-30;
  for (size_t i = 0; i < n; i++) {
    double e = fabs((double)a[i] - ref[i]);
    if (!(e <= d))
      d = e;
    if (fabs(ref[i]) > mx)
      mx = fabs(ref[i]);
  }
  return d / mx;
}

static void test_backends(sm_model *m, const float *patches, int np) {
  float *e0 = malloc((size_t)np * 1024 * 4), *s0 = malloc((size_t)np * 521 * 4);
  float *e1 = malloc((size_t)np * 1024 * 4), *s1 = malloc((size_t)np * 521 * 4);
  CHECK(nn_net_forward(m->net, NN_REF, patches, np, e0, s0) == 0, "ref");
  CHECK(nn_net_forward(m->net, NN_FAST, patches, np, e1, s1) == 0, "fast");
  double ee = relerr(e1, e0, (size_t)np * 1024), es = relerr(s1, s0, (size_t)np * 521);
  printf("YAMNet fast kernels vs scalar reference: emb %.2e, scores %.2e (relative)\n", ee, es);
  CHECK(ee <= 1e-4 && es <= 1e-4, "fast vs ref %.3g %.3g", ee, es);
  if (nn_xnn_available()) {
    CHECK(nn_net_forward(m->net, NN_XNNPACK, patches, np, e1, s1) == 0, "xnnpack");
    ee = relerr(e1, e0, (size_t)np * 1024), es = relerr(s1, s0, (size_t)np * 521);
    printf("YAMNet XNNPACK vs scalar reference: emb %.2e, scores %.2e (relative)\n", ee, es);
    CHECK(ee <= 1e-4 && es <= 1e-4, "xnnpack vs ref %.3g %.3g", ee, es);
  }
  free(e0);
  free(s0);
  free(e1);
  free(s1);
}

static void test_smnn(sm_model *m, const float *patches, int np) {
  float *e0 = malloc((size_t)np * 1024 * 4), *e1 = malloc((size_t)np * 1024 * 4);
  float s0[521], s1[521];
  sm_model_embed(m, patches, np, e0, NULL);
  sm_model_embed(m, patches, 1, NULL, s0);
  const char *names[] = {"f32", "f16", "int8"};
  double need[] = {0.999999, 0.9999, 0.995};
  for (int wt = NN_W_F32; wt <= NN_W_I8; wt++) {
    uint8_t *buf;
    size_t len;
    char err[256] = "";
    CHECK(nn_model_io_write(m->net, wt, &buf, &len, err, sizeof err) == 0, "write: %s", err);
    sm_model *m2 = sm_model_load(buf, len, err, sizeof err);
    CHECK(m2 != NULL, "reload %s: %s", names[wt], err);
    if (m2) {
      CHECK(!strcmp(sm_model_kind(m2), "smnn") && sm_model_classes(m2) == 521 &&
                !strcmp(sm_model_class_name(m2, 500), sm_model_class_name(m, 500)),
            "SMNN %s metadata", names[wt]);
      sm_model_embed(m2, patches, np, e1, NULL);
      sm_model_embed(m2, patches, 1, NULL, s1);
      double c = 1;
      for (int i = 0; i < np; i++)
        c = fmin(c, cosine(e0 + i * 1024, e1 + i * 1024, 1024));
      printf("SMNN %-4s (%7zu bytes): worst embedding cosine to the tflite import %.6f\n",
             names[wt], len, c);
      CHECK(c >= need[wt], "SMNN %s cosine %.6f", names[wt], c);
      if (wt == NN_W_F32)
        CHECK(!memcmp(s0, s1, sizeof s0), "f32 round trip not exact");
      sm_model_free(m2);
    }
    /* truncated copies: every one must fail with a reason */
    int bad = 0;
    for (int k = 0; k < 16; k++) {
      size_t cut = k < 8 ? (size_t)k * 5 : (len / 9) * (size_t)(k - 7) - 1;
      if (cut >= len)
        continue;
      uint8_t *t = malloc(cut ? cut : 1);
      memcpy(t, buf, cut);
      err[0] = 0;
      sm_model *mt = sm_model_load(t, cut, err, sizeof err);
      if (mt || !err[0])
        bad++;
      sm_model_free(mt);
      free(t);
    }
    CHECK(bad == 0, "%d truncated SMNN %s files accepted", bad, names[wt]);
    free(buf);
  }
  free(e0);
  free(e1);
}

static void test_tflite_corrupt(const uint8_t *b, size_t len) {
  char err[256];
  int accepted = 0, noreason = 0;
  uint8_t *t = malloc(len);
  /* truncations, mostly inside the flatbuffer */
  for (int k = 0; k < 28; k++) {
    size_t cut = k < 12 ? (size_t)k * 3 : (len / 17) * (size_t)(k - 11);
    if (cut >= len)
      continue;
    memcpy(t, b, cut);
    err[0] = 0;
    sm_model *m = sm_model_load(t, cut, err, sizeof err);
    if (m)
      accepted++;
    else if (!err[0])
      noreason++;
    sm_model_free(m);
  }
  CHECK(accepted == 0 && noreason == 0, "truncated tflite: %d accepted, %d without a reason",
        accepted, noreason);
  /* random corruption of the flatbuffer's tables (the first and last kilobytes hold the
   * root, vtables and offsets): must never crash (ASan) and must not hang */
  uint32_t s = 99;
  int loaded = 0, failed = 0;
  for (int k = 0; k < 24; k++) {
    memcpy(t, b, len);
    for (int j = 0; j < 4; j++) {
      s = s * 1664525u + 1013904223u;
      size_t at = (s >> 8) % 2048;
      at = (k & 1) ? at : len - 1 - at - 6300; /* the tail holds the zip; tables sit before it */
      s = s * 1664525u + 1013904223u;
      t[at] ^= (uint8_t)(1u << ((s >> 16) & 7));
    }
    err[0] = 0;
    sm_model *m = sm_model_load(t, len, err, sizeof err);
    if (m)
      loaded++;
    else {
      failed++;
      if (!err[0])
        noreason++;
    }
    sm_model_free(m);
  }
  printf("corrupted tflite copies: %d loaded, %d refused with a reason\n", loaded, failed);
  CHECK(noreason == 0, "refused without a reason");
  memcpy(t, b, len);
  memcpy(t + 4, "XXXX", 4);
  CHECK(sm_model_load(t, len, err, sizeof err) == NULL && strstr(err, "neither"),
        "bad identifier: %s", err);
  free(t);
}

static void test_class_map(sm_model *m) {
  size_t len;
  char *txt = (char *)read_bytes(CLASSMAP, &len);
  if (!txt) {
    printf("%s absent: class names not compared\n", CLASSMAP);
    return;
  }
  int i = 0, same = 0;
  for (char *line = strtok(txt, "\r\n"); line; line = strtok(NULL, "\r\n"), i++)
    same += i < 521 && !strcmp(line, sm_model_class_name(m, i));
  CHECK(i == 521 && same == 521, "class map: %d lines, %d equal to the model's names", i, same);
  free(txt);
}

int main(void) {
  size_t len;
  uint8_t *b = read_bytes(MODEL, &len);
  if (!b) {
    printf("test_nn_yamnet: skipped: %s not found\n", MODEL);
    return check_report("test_nn_yamnet");
  }
  char err[256] = "";
  sm_model *m = sm_model_load(b, len, err, sizeof err);
  CHECK(m != NULL, "load: %s", err);
  if (m) {
    CHECK(sm_model_input_frames(m) == 96 && sm_model_input_bands(m) == 64 &&
              sm_model_embedding_size(m) == 1024 && sm_model_classes(m) == 521,
          "dims %d %d %d %d", sm_model_input_frames(m), sm_model_input_bands(m),
          sm_model_embedding_size(m), sm_model_classes(m));
    CHECK(fabs(sm_model_macs(m) / 1e6 - 69.2) < 0.1, "MACs %.2fM", sm_model_macs(m) / 1e6);
    test_class_map(m);
    test_signals(m);
    test_reference(m);
    size_t nn;
    float *noise = (float *)read_bytes(FIX "noise.f32", &nn), *p = NULL;
    int np = noise ? patches_of(noise, nn / 4, &p) : 0;
    if (np >= 3) {
      test_backends(m, p, 3);
      test_smnn(m, p, 3);
    }
    free(noise);
    free(p);
    sm_model_free(m);
  }
  test_tflite_corrupt(b, len);
  free(b);
  return check_report("test_nn_yamnet");
}
