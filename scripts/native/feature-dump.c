/* feature-dump — the engine's feature rows for a list of files, as .npy, for measuring feature
 * and window choices (scripts/eval/features.py).
 * usage: feature-dump <list.txt> <clip|onset|whole|blend> <model.tflite|model.smnn|-> <out-prefix>
 * list.txt holds one path per line. Writes <out-prefix>.<kind>.npy, float32, one row per file:
 *   fingerprint  SM_FP^2 + 6: the fingerprint and the descriptor vector (as web/features.js)
 *   descriptors  6: log(centroid + 1), log(roll-off + 1), log(bandwidth + 1), log10(rms + 1e-5),
 *                10 zcr, log(duration + 0.01) (web/features.js descriptorVector)
 *   timbre       SM_NTIMBRE (sm_segment_timbre)
 *   embedding    the model's embedding, sum over the segment's patches of
 *                sm_segment_patch_weight x the patch's embedding (only with a model)
 * A file that fails gives a NaN row and a line "<path>: <reason>" on stderr. Every mode gives
 * one segment per file (long mode is not offered). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sonomap.h"

static uint8_t *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0, r;
  uint8_t *b = malloc(cap);
  while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      uint8_t *nb = realloc(b, cap *= 2);
      if (!nb)
        free(b);
      b = nb;
    }
  }
  fclose(f);
  *len = n;
  return b;
}

static int write_npy(const char *prefix, const char *kind, const float *x, int n, int d) {
  char path[4096], hdr[128];
  snprintf(path, sizeof path, "%s.%s.npy", prefix, kind);
  FILE *f = fopen(path, "wb");
  if (!f)
    return -1;
  int len = snprintf(hdr, sizeof hdr,
                     "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", n, d);
  int total = 10 + len + 1, pad = (64 - total % 64) % 64;
  unsigned short hl = (unsigned short)(len + pad + 1);
  fwrite("\x93NUMPY\x01\x00", 1, 8, f);
  fputc(hl & 0xff, f);
  fputc(hl >> 8, f);
  fwrite(hdr, 1, (size_t)len, f);
  for (int i = 0; i < pad; i++)
    fputc(' ', f);
  fputc('\n', f);
  fwrite(x, sizeof(float), (size_t)n * d, f);
  return fclose(f);
}

static void descriptor_vector(const float *d, float *v) {
  v[0] = logf(d[0] + 1);
  v[1] = logf(d[1] + 1);
  v[2] = logf(d[2] + 1);
  v[3] = log10f(d[3] + 1e-5f);
  v[4] = d[4] * 10;
  v[5] = logf(d[5] + 0.01f);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr,
            "usage: feature-dump <list.txt> <clip|onset|whole|blend> <model|-> <out-prefix>\n");
    return 2;
  }
  const char *modes[] = {"clip", "whole", "long", "onset", "blend"};
  int mode = -1;
  for (int i = 0; i < 5; i++)
    if (i != SM_MODE_LONG && !strcmp(argv[2], modes[i]))
      mode = i;
  if (mode < 0) {
    fprintf(stderr, "unknown mode %s\n", argv[2]);
    return 2;
  }
  sm_model *model = NULL;
  int E = 0;
  if (strcmp(argv[3], "-")) {
    size_t len;
    uint8_t *b = read_all(argv[3], &len);
    char err[256];
    if (!b || !(model = sm_model_load(b, len, err, sizeof err))) {
      fprintf(stderr, "%s: %s\n", argv[3], b ? err : "cannot read");
      return 2;
    }
    free(b);
    E = sm_model_embedding_size(model);
  }
  FILE *lf = fopen(argv[1], "r");
  if (!lf) {
    fprintf(stderr, "%s: cannot read\n", argv[1]);
    return 2;
  }
  char line[4096];
  int n = 0, cap = 0;
  char **paths = NULL;
  while (fgets(line, sizeof line, lf)) {
    line[strcspn(line, "\r\n")] = 0;
    if (!line[0])
      continue;
    if (n == cap)
      paths = realloc(paths, (size_t)(cap = cap ? 2 * cap : 256) * sizeof *paths);
    size_t l = strlen(line) + 1;
    paths[n] = malloc(l);
    memcpy(paths[n++], line, l);
  }
  fclose(lf);
  const int DF = SM_FP * SM_FP + 6;
  float *fp = malloc((size_t)n * DF * sizeof(float)), *de = malloc((size_t)n * 6 * sizeof(float));
  float *tb = malloc((size_t)n * SM_NTIMBRE * sizeof(float));
  float *em = malloc(((size_t)n * E + 1) * sizeof(float));
  const int PATCH = SM_PATCH_FRAMES * SM_NMEL;
  for (int r = 0; r < n; r++) {
    size_t len = 0;
    uint8_t *bytes = read_all(paths[r], &len);
    sm_analysis *a = bytes ? sm_analyze_file(bytes, len, mode) : NULL;
    const char *err = bytes ? sm_analysis_error(a) : "cannot read";
    if (err) {
      fprintf(stderr, "%s: %s\n", paths[r], err);
      for (int j = 0; j < DF; j++)
        fp[(size_t)r * DF + j] = NAN;
      for (int j = 0; j < 6; j++)
        de[(size_t)r * 6 + j] = NAN;
      for (int j = 0; j < SM_NTIMBRE; j++)
        tb[(size_t)r * SM_NTIMBRE + j] = NAN;
      for (int j = 0; j < E; j++)
        em[(size_t)r * E + j] = NAN;
    } else {
      memcpy(fp + (size_t)r * DF, sm_segment_fingerprint(a, 0), SM_FP * SM_FP * sizeof(float));
      descriptor_vector(sm_segment_descriptors(a, 0), fp + (size_t)r * DF + SM_FP * SM_FP);
      memcpy(de + (size_t)r * 6, fp + (size_t)r * DF + SM_FP * SM_FP, 6 * sizeof(float));
      memcpy(tb + (size_t)r * SM_NTIMBRE, sm_segment_timbre(a, 0), SM_NTIMBRE * sizeof(float));
      if (model) {
        int P = sm_segment_patches(a, 0);
        float *X = malloc((size_t)P * PATCH * sizeof(float)),
              *out = malloc((size_t)P * E * sizeof(float));
        for (int p = 0; p < P; p++)
          memcpy(X + (size_t)p * PATCH, sm_segment_patch_logmel(a, 0, p), PATCH * sizeof(float));
        if (sm_model_embed(model, X, P, out, NULL)) {
          fprintf(stderr, "embedding failed\n");
          return 1;
        }
        for (int j = 0; j < E; j++) {
          double s = 0;
          for (int p = 0; p < P; p++)
            s += sm_segment_patch_weight(a, 0, p) * out[(size_t)p * E + j];
          em[(size_t)r * E + j] = (float)s;
        }
        free(X);
        free(out);
      }
    }
    sm_analysis_free(a);
    free(bytes);
  }
  int rc = write_npy(argv[4], "fingerprint", fp, n, DF) |
           write_npy(argv[4], "descriptors", de, n, 6) |
           write_npy(argv[4], "timbre", tb, n, SM_NTIMBRE);
  if (model)
    rc |= write_npy(argv[4], "embedding", em, n, E);
  if (rc) {
    fprintf(stderr, "%s: cannot write\n", argv[4]);
    return 2;
  }
  for (int r = 0; r < n; r++)
    free(paths[r]);
  free(paths);
  free(fp);
  free(de);
  free(tb);
  free(em);
  sm_model_free(model);
  return 0;
}
