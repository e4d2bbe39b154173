/* model.c — the public model API (sonomap.h): load .tflite or SMNN bytes, embed patches. */
#include "nn/model.h"

#include <stdlib.h>

#include "nn/model_io.h"
#include "nn/tflite.h"

sm_model *sm_model_load(const uint8_t *bytes, size_t len, char *err, size_t errlen) {
  nn_net *net = NULL;
  const char *kind;
  if (err && errlen)
    err[0] = 0;
  if (!bytes || len == 0) {
    nn_fail(err, errlen, "model: empty file");
    return NULL;
  }
  if (nn_tflite_detect(bytes, len)) {
    kind = "tflite";
    net = nn_tflite_load(bytes, len, err, errlen);
  } else if (nn_model_io_detect(bytes, len)) {
    kind = "smnn";
    net = nn_model_io_read(bytes, len, err, errlen);
  } else {
    nn_fail(err, errlen, "model: neither a .tflite nor a sonomap (SMNN) model file");
    return NULL;
  }
  if (!net)
    return NULL;
  sm_model *m = malloc(sizeof *m);
  if (!m) {
    nn_net_free(net);
    nn_fail(err, errlen, "out of memory");
    return NULL;
  }
  m->net = net;
  m->backend = NN_FAST;
  m->kind = kind;
  return m;
}

int sm_model_embed(sm_model *m, const float *patches, int n, float *emb, float *scores) {
  if (!m || n < 0 || (n > 0 && !patches))
    return -1;
  if (n == 0)
    return 0;
  return nn_net_forward(m->net, m->backend, patches, n, emb, scores);
}

int sm_model_input_frames(const sm_model *m) { return m ? m->net->in_h : 0; }
int sm_model_input_bands(const sm_model *m) { return m ? m->net->in_w : 0; }
int sm_model_embedding_size(const sm_model *m) { return m ? m->net->emb_dim : 0; }
int sm_model_classes(const sm_model *m) { return m ? m->net->nclasses : 0; }
const char *sm_model_class_name(const sm_model *m, int i) {
  if (!m || i < 0 || i >= m->net->nlabels)
    return "";
  return m->net->labels[i];
}
const char *sm_model_kind(const sm_model *m) { return m ? m->kind : ""; }
double sm_model_macs(const sm_model *m) { return m ? nn_net_macs(m->net) : 0.0; }
void sm_model_free(sm_model *m) {
  if (!m)
    return;
  nn_net_free(m->net);
  free(m);
}
