/* yamnet-teacher — the teacher pass of the model recipe (scripts/model/): 16 kHz waveforms in,
 * log-mel patches, embeddings and class scores of a YAMNet-style model out, as .npy files.
 *   build/opt/tools/yamnet-teacher MODEL OUTDIR [--patches] < input.f32
 * The input is raw little-endian float32 read from stdin until it ends: waveforms of exactly
 * SM_PATCH_SAMPLES (15600) samples each (the engine's frontend turns each into one 96 x 64
 * log-mel patch), or with --patches the 96 x 64 patches themselves. Writes OUTDIR/logmel.npy
 * (N x 96 x 64), OUTDIR/emb.npy (N x embedding) and OUTDIR/scores.npy (N x classes), all f32.
 * Prints one line with the count and the time taken; exits 1 with the reason on any error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dsp/frontend.h"
#include "sonomap.h"

#define TEACH_BATCH 64
#define TEACH_HDR                                                                                  \
  128 /* bytes reserved for every .npy header, rewritten with the count at the end */

static uint8_t *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  uint8_t *b = NULL;
  size_t cap = 0, n = 0, r;
  do {
    if (n == cap) {
      cap = cap ? cap * 2 : 1 << 20;
      uint8_t *q = realloc(b, cap);
      if (!q) {
        free(b);
        fclose(f);
        return NULL;
      }
      b = q;
    }
    r = fread(b + n, 1, cap - n, f);
    n += r;
  } while (r > 0);
  fclose(f);
  *len = n;
  return b;
}

/* The version-1 .npy header of a little-endian f32 C-order array of shape (n, d1[, d2]),
 * padded with spaces to exactly TEACH_HDR bytes. */
static int npy_header(FILE *f, long n, int d1, int d2) {
  char dict[TEACH_HDR];
  int k = d2 > 0
              ? snprintf(dict, sizeof dict,
                         "{'descr': '<f4', 'fortran_order': False, 'shape': (%ld, %d, %d), }", n,
                         d1, d2)
              : snprintf(dict, sizeof dict,
                         "{'descr': '<f4', 'fortran_order': False, 'shape': (%ld, %d), }", n, d1);
  int body = TEACH_HDR - 10;
  if (k < 0 || k >= body)
    return -1;
  memset(dict + k, ' ', (size_t)(body - 1 - k));
  dict[body - 1] = '\n';
  unsigned char pre[10] = {
      0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(body & 255), (unsigned char)(body >> 8)};
  if (fseek(f, 0, SEEK_SET))
    return -1;
  return fwrite(pre, 1, 10, f) == 10 && fwrite(dict, 1, (size_t)body, f) == (size_t)body ? 0 : -1;
}

static FILE *open_out(const char *dir, const char *name, char *path, size_t plen) {
  snprintf(path, plen, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (f && npy_header(f, 0, 1, 0)) {
    fclose(f);
    return NULL;
  }
  return f;
}

int main(int argc, char **argv) {
  const char *model = NULL, *dir = NULL;
  int patches = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--patches"))
      patches = 1;
    else if (!model)
      model = argv[i];
    else if (!dir)
      dir = argv[i];
    else {
      fprintf(stderr, "yamnet-teacher: unexpected argument %s\n", argv[i]);
      return 2;
    }
  }
  if (!model || !dir) {
    fprintf(stderr, "usage: yamnet-teacher MODEL OUTDIR [--patches] < input.f32\n");
    return 2;
  }
  size_t len;
  uint8_t *b = slurp(model, &len);
  if (!b) {
    fprintf(stderr, "yamnet-teacher: cannot read %s\n", model);
    return 1;
  }
  char err[256] = "";
  sm_model *m = sm_model_load(b, len, err, sizeof err);
  free(b);
  if (!m) {
    fprintf(stderr, "yamnet-teacher: %s: %s\n", model, err);
    return 1;
  }
  const int H = sm_model_input_frames(m), W = sm_model_input_bands(m);
  const int E = sm_model_embedding_size(m), C = sm_model_classes(m);
  if (H != SM_PATCH_FRAMES || W != SM_NMEL || C < 1) {
    fprintf(stderr,
            "yamnet-teacher: %s: input %d x %d with %d classes, need 96 x 64 with classes\n", model,
            H, W, C);
    sm_model_free(m);
    return 1;
  }
  const size_t in_len = patches ? (size_t)H * W : SM_PATCH_SAMPLES, P = (size_t)H * W;
  float *in = malloc(sizeof(float) * in_len * TEACH_BATCH),
        *mel = malloc(sizeof(float) * P * TEACH_BATCH);
  float *emb = malloc(sizeof(float) * (size_t)E * TEACH_BATCH),
        *sc = malloc(sizeof(float) * (size_t)C * TEACH_BATCH);
  dsp_frontend *fe = dsp_frontend_new();
  char p1[4096], p2[4096], p3[4096];
  FILE *fm = open_out(dir, "logmel.npy", p1, sizeof p1),
       *fe_ = open_out(dir, "emb.npy", p2, sizeof p2);
  FILE *fs = open_out(dir, "scores.npy", p3, sizeof p3);
  int rc = 1;
  long total = 0;
  clock_t t0 = clock();
  if (!in || !mel || !emb || !sc || !fe) {
    fprintf(stderr, "yamnet-teacher: out of memory\n");
    goto done;
  }
  if (!fm || !fe_ || !fs) {
    fprintf(stderr, "yamnet-teacher: cannot write into %s\n", dir);
    goto done;
  }
  for (;;) {
    size_t got = fread(in, sizeof(float), in_len * TEACH_BATCH, stdin);
    if (got % in_len) {
      fprintf(stderr, "yamnet-teacher: stdin: %zu floats is not a whole number of inputs of %zu\n",
              got, in_len);
      goto done;
    }
    int n = (int)(got / in_len);
    if (n == 0)
      break;
    for (int i = 0; i < n; i++) {
      if (patches)
        memcpy(mel + P * i, in + in_len * i, sizeof(float) * P);
      else
        dsp_frontend_run(fe, in + in_len * i, in_len, mel + P * i, NULL);
    }
    if (sm_model_embed(m, mel, n, emb, sc)) {
      fprintf(stderr, "yamnet-teacher: sm_model_embed failed\n");
      goto done;
    }
    if (fwrite(mel, sizeof(float), P * n, fm) != P * n ||
        fwrite(emb, sizeof(float), (size_t)E * n, fe_) != (size_t)E * n ||
        fwrite(sc, sizeof(float), (size_t)C * n, fs) != (size_t)C * n) {
      fprintf(stderr, "yamnet-teacher: write error in %s\n", dir);
      goto done;
    }
    total += n;
  }
  if (npy_header(fm, total, H, W) || npy_header(fe_, total, E, 0) || npy_header(fs, total, C, 0)) {
    fprintf(stderr, "yamnet-teacher: cannot finish the headers in %s\n", dir);
    goto done;
  }
  printf("yamnet-teacher: %ld %s -> %s (%.1f s CPU)\n", total, patches ? "patches" : "waveforms",
         dir, (double)(clock() - t0) / CLOCKS_PER_SEC);
  rc = 0;
done:
  if (fm && fclose(fm))
    rc = 1;
  if (fe_ && fclose(fe_))
    rc = 1;
  if (fs && fclose(fs))
    rc = 1;
  dsp_frontend_free(fe);
  free(in);
  free(mel);
  free(emb);
  free(sc);
  sm_model_free(m);
  return rc;
}
