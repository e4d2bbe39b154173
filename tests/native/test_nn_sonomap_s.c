/* test_nn_sonomap_s.c — the shipped student model (models/sonomap-s.smnn) in the native engine:
 * it loads with the stated shape (96 x 64 input, 1024-d embedding, 521 named classes), gives the
 * top tags its card states for silence and a 440 Hz sine, and, when the teacher is present
 * (../shared/models/yamnet.tflite), embeds these inputs close to YAMNet (cosine > 0.85; the card
 * states the values). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dsp/frontend.h"
#include "files.h"
#include "sonomap.h"

#define STUDENT "models/sonomap-s.smnn"
#define TEACHER "../shared/models/yamnet.tflite"

static sm_model *load(const char *path) {
  size_t len = 0;
  uint8_t *b = read_bytes(path, &len);
  if (!b)
    return NULL;
  char err[256] = "";
  sm_model *m = sm_model_load(b, len, err, sizeof err);
  free(b);
  CHECK(m != NULL, "%s: %s", path, err);
  return m;
}

static int argmax(const float *x, int n) {
  int k = 0;
  for (int i = 1; i < n; i++)
    if (x[i] > x[k])
      k = i;
  return k;
}

static double cosine(const float *a, const float *b, int n) {
  double ab = 0, aa = 0, bb = 0;
  for (int i = 0; i < n; i++)
    ab += (double)a[i] * b[i], aa += (double)a[i] * a[i], bb += (double)b[i] * b[i];
  return ab / sqrt(aa * bb + 1e-300);
}

int main(void) {
  size_t len = 0;
  uint8_t *b = read_bytes(STUDENT, &len);
  CHECK(b != NULL, "%s is missing", STUDENT);
  free(b);
  CHECK(len <= 4u << 20, "%s: %zu bytes", STUDENT, len);
  sm_model *m = load(STUDENT);
  if (!m)
    return check_report("test_nn_sonomap_s");
  CHECK(!strcmp(sm_model_kind(m), "smnn"), "kind %s", sm_model_kind(m));
  CHECK(sm_model_input_frames(m) == 96 && sm_model_input_bands(m) == 64, "input %d x %d",
        sm_model_input_frames(m), sm_model_input_bands(m));
  CHECK(sm_model_embedding_size(m) == 1024, "embedding %d", sm_model_embedding_size(m));
  CHECK(sm_model_classes(m) == 521, "classes %d", sm_model_classes(m));
  CHECK(!strcmp(sm_model_class_name(m, 0), "Speech"), "class 0 %s", sm_model_class_name(m, 0));
  CHECK(sm_model_macs(m) < 69e6 / 3, "%.0f MACs", sm_model_macs(m));

  /* silence, a 440 Hz sine, seeded noise: one 15600-sample patch each through the frontend */
  enum { N = 3 };
  float *x = calloc(SM_PATCH_SAMPLES, sizeof(float)), *mel = malloc(sizeof(float) * N * 96 * 64);
  dsp_frontend *fe = dsp_frontend_new();
  uint32_t s = 7;
  for (int k = 0; k < N; k++) {
    for (int i = 0; i < SM_PATCH_SAMPLES; i++) {
      if (k == 0)
        x[i] = 0;
      else if (k == 1)
        x[i] = (float)(0.5 * sin(2 * 3.14159265358979323846 * 440 * i / 16000.0));
      else {
        s = s * 1103515245u + 12345u;
        x[i] = (float)((s / 4294967296.0 * 2 - 1) * 0.5);
      }
    }
    CHECK(dsp_frontend_run(fe, x, SM_PATCH_SAMPLES, mel + k * 96 * 64, NULL) == 96, "frames");
  }
  float *e = malloc(sizeof(float) * N * 1024), *sc = malloc(sizeof(float) * N * 521);
  CHECK(sm_model_embed(m, mel, N, e, sc) == 0, "embed");
  CHECK(!strcmp(sm_model_class_name(m, argmax(sc, 521)), "Silence"), "silence -> %s",
        sm_model_class_name(m, argmax(sc, 521)));
  CHECK(!strcmp(sm_model_class_name(m, argmax(sc + 521, 521)), "Sine wave"), "sine -> %s",
        sm_model_class_name(m, argmax(sc + 521, 521)));
  sm_model *t = NULL;
  FILE *tf = fopen(TEACHER, "rb");
  if (tf) {
    fclose(tf);
    t = load(TEACHER);
  } else {
    printf("test_nn_sonomap_s: %s absent, teacher comparison skipped\n", TEACHER);
  }
  if (t) {
    float *et = malloc(sizeof(float) * N * 1024), *st = malloc(sizeof(float) * N * 521);
    CHECK(sm_model_embed(t, mel, N, et, st) == 0, "teacher embed");
    for (int k = 0; k < N; k++) {
      double c = cosine(e + k * 1024, et + k * 1024, 1024);
      CHECK(c > 0.85, "input %d: cosine to YAMNet %.4f", k, c);
      CHECK(argmax(sc + k * 521, 521) == argmax(st + k * 521, 521),
            "input %d: top tag %s vs YAMNet %s", k,
            sm_model_class_name(m, argmax(sc + k * 521, 521)),
            sm_model_class_name(t, argmax(st + k * 521, 521)));
    }
    free(et);
    free(st);
    sm_model_free(t);
  }
  dsp_frontend_free(fe);
  free(x);
  free(mel);
  free(e);
  free(sc);
  sm_model_free(m);
  return check_report("test_nn_sonomap_s");
}
