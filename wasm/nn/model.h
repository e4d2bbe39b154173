/* model.h — internals of the public sm_model (wasm/sonomap.h, model section). */
#ifndef SM_NN_MODEL_H
#define SM_NN_MODEL_H

#include "nn/net.h"
#include "sonomap.h"

struct sm_model {
  sm_net *net;
  int backend;      /* enum sm_nn_backend; SM_NN_FAST by default */
  const char *kind; /* "tflite" or "smnn" */
};

#endif
