/* fuzz_model.c — libFuzzer target: sm_model_load on arbitrary bytes (.tflite or SMNN; the
 * seed corpus decides which), and one embedding when the loaded network is small. Built by
 * `make fuzz-build`. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sonomap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char err[256];
  err[0] = 0;
  sm_model *m = sm_model_load(data, size, err, sizeof err);
  if (!m) {
    if (!err[0])
      abort(); /* refused without a reason */
    return 0;
  }
  int frames = sm_model_input_frames(m), bands = sm_model_input_bands(m);
  int d = sm_model_embedding_size(m), c = sm_model_classes(m);
  if (frames < 1 || bands < 1 || d < 1 || c < 0)
    abort();
  for (int i = 0; i < c; i++)
    if (!sm_model_class_name(m, i))
      abort();
  if (sm_model_macs(m) < 2e7 && (size_t)frames * bands <= 65536 && d <= 65536 && c <= 65536) {
    float *patch = calloc((size_t)frames * bands, sizeof *patch);
    float *emb = malloc((size_t)d * sizeof *emb),
          *scores = malloc(((size_t)c + 1) * sizeof *scores);
    if (patch && emb && scores) {
      for (size_t i = 0; i < (size_t)frames * bands; i++)
        patch[i] = (float)(i % 7) - 3.0f;
      sm_model_embed(m, patch, 1, emb, c ? scores : NULL);
    }
    free(patch);
    free(emb);
    free(scores);
  }
  sm_model_free(m);
  return 0;
}
