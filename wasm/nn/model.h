/* model.h — internals of the public sm_model (wasm/sonomap.h, model section). */
#ifndef NN_MODEL_H
#define NN_MODEL_H

#include "nn/net.h"
#include "sonomap.h"

struct sm_model {
  nn_net *net;
  int backend;      /* enum nn_backend; NN_FAST by default */
  const char *kind; /* "tflite" or "smnn" */
};

#endif
