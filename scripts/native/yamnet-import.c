/* yamnet-import — convert a YAMNet-family .tflite (or an SMNN file) into sonomap's SMNN model
 * format (models/FORMAT.md).
 *   build/opt/tools/yamnet-import IN.tflite OUT.smnn [--weights f32|f16|int8]
 * Prints the layer list and the size written; exits 1 with the reason on any error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn/model.h"
#include "nn/model_io.h"
#include "sonomap.h"

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

int main(int argc, char **argv) {
  const char *in = NULL, *out = NULL;
  int wt = NN_W_F32;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--weights") && i + 1 < argc) {
      const char *w = argv[++i];
      wt = !strcmp(w, "f32")    ? NN_W_F32
           : !strcmp(w, "f16")  ? NN_W_F16
           : !strcmp(w, "int8") ? NN_W_I8
                                : -1;
      if (wt < 0) {
        fprintf(stderr, "yamnet-import: --weights f32|f16|int8\n");
        return 2;
      }
    } else if (!in)
      in = argv[i];
    else if (!out)
      out = argv[i];
    else {
      fprintf(stderr, "yamnet-import: unexpected argument %s\n", argv[i]);
      return 2;
    }
  }
  if (!in || !out) {
    fprintf(stderr, "usage: yamnet-import IN.tflite OUT.smnn [--weights f32|f16|int8]\n");
    return 2;
  }
  size_t len;
  uint8_t *b = slurp(in, &len);
  if (!b) {
    fprintf(stderr, "yamnet-import: cannot read %s\n", in);
    return 1;
  }
  char err[256] = "";
  sm_model *m = sm_model_load(b, len, err, sizeof err);
  free(b);
  if (!m) {
    fprintf(stderr, "yamnet-import: %s: %s\n", in, err);
    return 1;
  }
  const nn_net *net = m->net;
  printf("%s (%s): input %d x %d x %d, %d layers, embedding %d, %d classes%s, %.1f M MACs/patch\n",
         in, sm_model_kind(m), net->in_h, net->in_w, net->in_c, net->n, net->emb_dim, net->nclasses,
         net->nlabels ? " (named)" : "", nn_net_macs(net) / 1e6);
  for (int i = 0; i < net->n; i++) {
    const nn_layer *L = &net->L[i];
    printf("  %2d %-20s stride %d  %4dx%-3d x %4d -> %4dx%-3d x %4d  act %d\n", i,
           nn_op_name(L->op), L->stride, L->in_h, L->in_w, L->cin, L->out_h, L->out_w, L->cout,
           L->act);
  }
  uint8_t *o;
  size_t olen;
  if (nn_model_io_write(net, wt, &o, &olen, err, sizeof err)) {
    fprintf(stderr, "yamnet-import: %s\n", err);
    sm_model_free(m);
    return 1;
  }
  sm_model_free(m);
  FILE *f = fopen(out, "wb");
  int ok = f && fwrite(o, 1, olen, f) == olen;
  if (f && fclose(f))
    ok = 0;
  free(o);
  if (!ok) {
    fprintf(stderr, "yamnet-import: cannot write %s\n", out);
    return 1;
  }
  printf("wrote %s: %zu bytes\n", out, olen);
  return 0;
}
