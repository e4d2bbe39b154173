/* net.h — the in-memory network of the YAMNet family, f32, NHWC.
 *
 * A network is an input shape (h x w x c) and a chain of layers: 3x3 full conv, 3x3 depthwise,
 * 1x1 pointwise, one global average pool (its output is the embedding), then dense layers (the
 * last one's output are the class scores). Strides 1 or 2, 'same' padding (TF rule), any
 * channel counts, so width-multiplied YAMNet-style models fit. Built layer by layer
 * (nn_net_add copies and validates), then nn_net_finish checks the whole and packs weights for
 * the fast kernels. Errors come back as a one-line reason. */
#ifndef NN_NET_H
#define NN_NET_H

#include <stddef.h>
#include <stdint.h>

enum nn_op { NN_CONV3 = 1, NN_DW3 = 2, NN_PW = 3, NN_GAP = 4, NN_DENSE = 5 };
enum nn_act { NN_ACT_NONE = 0, NN_ACT_RELU = 1, NN_ACT_RELU6 = 2, NN_ACT_SIGMOID = 3 };
enum nn_backend { NN_REF = 0, NN_FAST = 1, NN_XNNPACK = 2 };

#define NN_MAX_LAYERS 256
#define NN_MAX_CH 8192
#define NN_MAX_SIDE 4096
#define NN_MAX_ACT (1 << 24) /* floats of one layer's output for one patch */
#define NN_MAX_LABELS 65536
#define NN_BATCH 16 /* patches per internal chunk of nn_net_forward */
/* Fast path, patch groups (net.c, group_of): activations of one layer's group, and the weights
 * above which a layer takes the whole batch. Tuned on YAMNet in wasm (scripts/bench/nn-layers.mjs);
 * -D overrides them for such A/B runs. */
#ifndef NN_GROUP_BYTES
#define NN_GROUP_BYTES (256 * 1024)
#endif
#ifndef NN_GROUP_WEIGHT_BYTES
#define NN_GROUP_WEIGHT_BYTES (1024 * 1024)
#endif

typedef struct {
  int op, act, stride;
  int cin, cout;
  int in_h, in_w, out_h, out_w;
  float *w;      /* CONV3: cout x 3 x 3 x cin; DW3: 3 x 3 x cin; PW, DENSE: cout x cin; GAP: NULL */
  float *b;      /* cout (NULL for GAP) */
  float *packed; /* weights packed for the fast GEMM (CONV3, PW, DENSE) */
} nn_layer;

typedef struct nn_net {
  int in_h, in_w, in_c;
  int n; /* layers */
  nn_layer L[NN_MAX_LAYERS];
  int gap; /* index of the global average pool (-1 until added) */
  int emb_dim, nclasses;
  int finished;
  char **labels; /* optional class names (nlabels == nclasses when present) */
  int nlabels;
  float *ws; /* forward workspace */
  size_t ws_cap;
  void *xnn;          /* XNNPACK operators (native builds with NN_HAVE_XNNPACK) */
  size_t group_bytes; /* fast path: activation budget of a patch group (0: NN_GROUP_BYTES) */
  size_t
      group_weight_bytes; /* fast path: weights of a whole-batch layer (0: NN_GROUP_WEIGHT_BYTES) */
} nn_net;

const char *nn_op_name(int op);
/* Number of weights a layer of this kind holds (0 for GAP). */
size_t nn_weight_count(int op, int cin, int cout);

nn_net *nn_net_new(int in_h, int in_w, int in_c, char *err, size_t errlen);
/* Append a layer. cout is ignored for DW3 and GAP (same as cin). w/b are copied; b may be NULL
 * (zeros). Returns 0, or -1 with a reason. */
int nn_net_add(nn_net *net, int op, int act, int stride, int cout, const float *w, const float *b,
               char *err, size_t errlen);
/* Validate the whole (one GAP, only dense layers after it, finite weights) and pack. */
int nn_net_finish(nn_net *net, char *err, size_t errlen);
/* Take ownership of class names (strings and array malloc'ed); count must equal nclasses. */
int nn_net_set_labels(nn_net *net, char **labels, int count, char *err, size_t errlen);
/* Forward n patches (each in_h x in_w x in_c) -> emb (n x emb_dim) and, if scores is not NULL
 * and the network has dense layers, scores (n x nclasses). Returns 0, or -1 (out of memory,
 * unfinished net, backend not built). */
int nn_net_forward(nn_net *net, int backend, const float *in, int n, float *emb, float *scores);
/* Multiply-adds of one patch. */
double nn_net_macs(const nn_net *net);
void nn_net_free(nn_net *net);

/* snprintf into err when err is not NULL; returns -1. */
int nn_fail(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
